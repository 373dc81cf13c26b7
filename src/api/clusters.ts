// Cluster endpoints: list (every page) and describe. Only the fields the actions use are read;
// the rest of the reply is ignored.
import { readAllPages } from './pages.ts';
import { requireId } from './ids.ts';
import {
  isObject,
  optionalCount,
  optionalName,
  optionalText,
  type Transport,
} from './transport.ts';

export interface ClusterInfo {
  clusterId: string;
  clusterName: string;
  projectId: string | undefined;
  regionId: string | undefined;
  cuSize: number | undefined;
  /** CREATING, RUNNING … as the server wrote it. */
  status: string | undefined;
  connectAddress: string | undefined;
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
    connectAddress: optionalText(data.connectAddress) || undefined,
  };
}

/** Every cluster the API key can see (all pages). */
export function listClusters(transport: Transport): Promise<ClusterInfo[]> {
  return readAllPages(transport, '/v2/clusters', {}, 'clusters', toClusterInfo);
}

export async function describeCluster(
  transport: Transport,
  clusterId: string,
): Promise<ClusterInfo> {
  const label = `GET /v2/clusters/${clusterId}`;
  const reply = await transport.read(`/v2/clusters/${encodeURIComponent(clusterId)}`, label);
  return toClusterInfo(reply.data, reply.requestId, label);
}
