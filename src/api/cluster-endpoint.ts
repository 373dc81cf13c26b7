// The cluster's own endpoint (Milvus REST v2): what is really on a cluster, as opposed to what
// the control plane says about it. Four reads, all POST with a JSON body: does a collection
// exist, which collections a database holds, describe one, and its row count. Same transport as
// the control plane (deadline, retries, proxy, redaction), with Milvus' envelope: success is
// `code: 0`, or 200 from older Milvus versions, and `data` may be a list.
import type { EnvelopeRules } from './envelope.ts';
import { ApiError } from './errors.ts';
import { isObject, optionalCount, optionalName } from './reply.ts';
import type { Transport } from './transport.ts';

export const MILVUS_ENVELOPE: EnvelopeRules = { successCodes: new Set([0, 200]), anyData: true };

/** Milvus' codes for a database or a collection that does not exist. */
const DATABASE_NOT_FOUND = 800;
const COLLECTION_NOT_FOUND = 100;

/** The database does not exist on the cluster (Milvus code 800). */
export function isDatabaseNotFound(error: unknown): boolean {
  return error instanceof ApiError && error.code === DATABASE_NOT_FOUND;
}

export interface ClusterEndpoint {
  /** Whether `collection` exists in `database`. */
  has(database: string, collection: string): Promise<boolean>;
  /** The collections of `database`, as listed (names that are not one printable line are left out). */
  list(database: string): Promise<string[]>;
  /** Its row count; undefined when the reply gives none (counts may lag a fresh insert). */
  rowCount(database: string, collection: string): Promise<number | undefined>;
}

/** The endpoint behind `transport` (its base URL is the cluster's address). */
export function clusterEndpoint(transport: Transport): ClusterEndpoint {
  const post = <T>(route: string, body: Record<string, string>, parse: (value: unknown) => T) =>
    transport.read(
      `/v2/vectordb/collections/${route}`,
      `POST /v2/vectordb/collections/${route} ${JSON.stringify(body)}`,
      (reply) => parse(reply.value),
      body,
    );
  return {
    has: (database, collection) =>
      post('has', { dbName: database, collectionName: collection }, (value) =>
        isObject(value) ? value.has === true : false,
      ),
    list: (database) =>
      post('list', { dbName: database }, (value) =>
        Array.isArray(value)
          ? value.map(optionalName).filter((name): name is string => name !== undefined)
          : [],
      ),
    async rowCount(database, collection) {
      try {
        return await post('get_stats', { dbName: database, collectionName: collection }, (value) =>
          isObject(value) ? optionalCount(value.rowCount) : undefined,
        );
      } catch (error) {
        if (error instanceof ApiError && error.code === COLLECTION_NOT_FOUND) return undefined;
        throw error;
      }
    },
  };
}
