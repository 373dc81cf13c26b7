// Cluster endpoints: list (every page) and describe. Only the fields the actions use are read;
// the rest of the reply is ignored.
import { readAllPages } from './pages.ts';
import { requireId } from './ids.ts';
import { isObject, optionalCount, optionalName, optionalText } from './reply.ts';
import type { Transport } from './transport.ts';

export interface ClusterInfo {
  clusterId: string;
  clusterName: string;
  projectId: string | undefined;
  regionId: string | undefined;
  cuSize: number | undefined;
  /** CREATING, RUNNING … as the server wrote it. */
  status: string | undefined;
  /** The public endpoint, e.g. https://in01-….vectordb.zillizcloud.com:19530. */
  connectAddress: string | undefined;
  /** The endpoint through a private link, when the cluster has one. */
  privateLinkAddress: string | undefined;
}

function toClusterInfo(item: unknown, requestId: string | undefined, label: string): ClusterInfo {
  const data = isObject(item) ? item : {};
  const reply = { data, requestId };
  const cuSize = optionalCount(data.cuSize);
  return {
    clusterId: requireId(reply, 'clusterId', label),
    clusterName: optionalName(data.clusterName) ?? '',
    projectId: optionalText(data.projectId),
    regionId: optionalText(data.regionId),
    cuSize,
    status: optionalText(data.status),
    connectAddress: optionalName(data.connectAddress),
    privateLinkAddress: optionalName(data.privateLinkAddress),
  };
}

export interface ClusterEndpoints {
  /** Every cluster the API key can see (all pages). */
  list(): Promise<ClusterInfo[]>;
  describe(clusterId: string): Promise<ClusterInfo>;
}

export function clusterEndpoints(transport: Transport): ClusterEndpoints {
  return {
    list: async () =>
      (
        await readAllPages(
          transport,
          '/v2/clusters',
          {},
          'clusters',
          toClusterInfo,
          (c) => c.clusterId,
        )
      ).items,
    async describe(clusterId) {
      const label = `GET /v2/clusters/${clusterId}`;
      const reply = await transport.read(`/v2/clusters/${encodeURIComponent(clusterId)}`, label);
      return toClusterInfo(reply.data, reply.requestId, label);
    },
  };
}
