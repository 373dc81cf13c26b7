// The four routes of a cluster's own endpoint (Milvus REST v2) that check what the control plane
// says: has, list, describe and get_stats of collections. POST with a JSON body, `dbName` left out
// (or empty) for the default database; auth by the API key or a cluster's `username:password`.
import { createHash } from 'node:crypto';
import { fail, isRecord, type ApiReply } from './handlers.ts';
import { DEFAULT_DATABASE, MILVUS_ERR, describeExtras } from './quirks.ts';
import type { Cluster, DataRouteName } from './scenario.ts';
import type { SimState } from './state.ts';

export const DATA_PATHS: Readonly<Record<string, DataRouteName>> = {
  '/v2/vectordb/collections/has': 'collectionsHas',
  '/v2/vectordb/collections/list': 'collectionsList',
  '/v2/vectordb/collections/describe': 'collectionsDescribe',
  '/v2/vectordb/collections/get_stats': 'collectionsGetStats',
};

/** The API key works unless the cluster is BYOC; so does any `username:password` it accepts. */
function isAuthorized(
  cluster: Cluster,
  apiKey: string,
  authorization: string | undefined,
): boolean {
  const token = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '')?.[1];
  if (token === undefined) return false;
  return (token === apiKey && !cluster.byoc) || cluster.credentials.includes(token);
}

/** Milvus' collection ids are int64; ours stay within JSON's exact integers. */
function collectionId(clusterId: string, dbName: string, name: string): number {
  const hex = createHash('sha256').update(`${clusterId}/${dbName}/${name}`).digest('hex');
  return Number.parseInt(hex.slice(0, 13), 16);
}

export function dataPlane(
  state: SimState,
  clusterId: string,
  route: DataRouteName,
  body: unknown,
  authorization: string | undefined,
): ApiReply {
  const cluster = state.cluster(clusterId);
  if (!cluster || !isAuthorized(cluster, state.scenario.apiKey, authorization)) {
    return fail(MILVUS_ERR.needAuthenticate);
  }
  if (typeof body === 'string') return fail(MILVUS_ERR.incorrectFormat('invalid JSON body'));
  if (body !== undefined && !isRecord(body)) {
    return fail(MILVUS_ERR.incorrectFormat('the body must be a JSON object'));
  }
  const input = body ?? {};
  if (input.dbName !== undefined && typeof input.dbName !== 'string') {
    return fail(MILVUS_ERR.incorrectFormat('dbName must be a string'));
  }
  const dbName = input.dbName || DEFAULT_DATABASE;
  const collections = state.collections(clusterId, dbName);
  if (!collections) return fail(MILVUS_ERR.databaseNotFound(dbName));
  const success = (data: unknown): ApiReply => ({
    httpStatus: 200,
    body: { code: cluster.successCode, data },
  });
  if (route === 'collectionsList') return success(collections.map((c) => c.collectionName));

  const name = input.collectionName;
  if (name !== undefined && typeof name !== 'string') {
    return fail(MILVUS_ERR.incorrectFormat('collectionName must be a string'));
  }
  if (!name) return fail(MILVUS_ERR.missingCollectionName);
  const found = collections.find((c) => c.collectionName === name);
  if (route === 'collectionsHas') return success({ has: found !== undefined });
  if (!found) return fail(MILVUS_ERR.collectionNotFound(dbName, name));
  if (route === 'collectionsGetStats') return success({ rowCount: found.rowCount });
  return success({
    collectionName: name,
    collectionID: collectionId(clusterId, dbName, name),
    ...describeExtras(found.loaded),
  });
}
