// What one ledger entry says: the payload of a GitHub deployment made by the backup action. It is
// typed and versioned, so that restore and prune read only entries they understand, and parsed
// defensively: GitHub hands a payload back as an object or as a JSON string (clients differ),
// and anything with deployments: write can create deployments, so an entry proves nothing until
// its payload is read and checked here. Never a secret in it: on a public repository it is public
// and permanent.
import { isObject, optionalCount, optionalName } from '../api/reply.ts';
import { BACKUP_ID, CLUSTER_ID, nameProblem, SERVER_ID } from '../api/ids.ts';

export const PAYLOAD_TYPE = 'zilliz-backup-ledger';
export const PAYLOAD_VERSION = 1;

export interface LedgerCollection {
  name: string;
  /** Rows on the cluster when the backup finished, when they could be read. */
  rowCount?: number;
}

export interface LedgerPayload {
  type: typeof PAYLOAD_TYPE;
  version: typeof PAYLOAD_VERSION;
  backupId: string;
  backupName?: string;
  jobId?: string;
  clusterId: string;
  /** The control plane's host (api.cloud.zilliz.com, api.cloud.zilliz.com.cn, a simulator's). */
  apiHost: string;
  backupType: 'CLUSTER' | 'COLLECTION';
  /** The database of a COLLECTION backup. */
  database?: string;
  collections?: LedgerCollection[];
  /** The deploy the backup came before. */
  deploy: { environment: string; sha: string; ref?: string; event?: string };
  /** The run that made it. */
  run: { id?: string; attempt?: string; url?: string };
  createdAt: string;
}

/** Why an entry's payload is not one of ours (or not one we can trust), or the payload. */
export type ReadPayload = { payload: LedgerPayload } | { problem: string };

const SHA = /^[0-9a-f]{40}$/;

/**
 * The payload of an entry, checked field by field: an object or a JSON string of one, of our
 * type and version, with ids of the shapes the API uses. Anything else is a problem, named.
 */
export function readPayload(raw: unknown): ReadPayload {
  let value = raw;
  if (typeof raw === 'string') {
    try {
      value = JSON.parse(raw);
    } catch {
      return { problem: 'the payload is a string that is not JSON' };
    }
  }
  if (!isObject(value)) return { problem: 'the payload is not a JSON object' };
  if (value.type !== PAYLOAD_TYPE) return { problem: 'the payload is not of this action' };
  if (value.version !== PAYLOAD_VERSION) {
    return {
      problem: `payload version ${JSON.stringify(value.version)} is not ${PAYLOAD_VERSION}`,
    };
  }
  const text = (field: unknown): string | undefined => optionalName(field);
  const backupId = text(value.backupId);
  const clusterId = text(value.clusterId);
  const apiHost = text(value.apiHost);
  const backupType = value.backupType;
  const deploy = isObject(value.deploy) ? value.deploy : {};
  const run = isObject(value.run) ? value.run : {};
  const environment = text(deploy.environment);
  const sha = text(deploy.sha);
  if (!backupId || !BACKUP_ID.test(backupId))
    return { problem: 'the payload names no usable backupId' };
  if (!clusterId || !CLUSTER_ID.test(clusterId))
    return { problem: 'the payload names no usable clusterId' };
  if (!apiHost) return { problem: 'the payload names no apiHost' };
  if (backupType !== 'CLUSTER' && backupType !== 'COLLECTION') {
    return { problem: 'the payload names no backupType' };
  }
  if (!environment || !sha || !SHA.test(sha)) return { problem: 'the payload names no deploy SHA' };
  const jobId = text(value.jobId);
  const database = text(value.database);
  if (database !== undefined && nameProblem(database)) {
    return { problem: 'the payload names a database that is not a valid name' };
  }
  let collections: LedgerCollection[] | undefined;
  if (value.collections !== undefined) {
    if (!Array.isArray(value.collections))
      return { problem: 'the payload collections are not a list' };
    collections = [];
    for (const entry of value.collections) {
      const name = isObject(entry) ? entry.name : undefined;
      if (typeof name !== 'string' || nameProblem(name)) {
        return { problem: 'the payload lists a collection that is not a valid name' };
      }
      const rowCount = isObject(entry) ? optionalCount(entry.rowCount) : undefined;
      collections.push(rowCount === undefined ? { name } : { name, rowCount });
    }
  }
  return {
    payload: {
      type: PAYLOAD_TYPE,
      version: PAYLOAD_VERSION,
      backupId,
      ...(text(value.backupName) ? { backupName: text(value.backupName) } : {}),
      ...(jobId && SERVER_ID.test(jobId) ? { jobId } : {}),
      clusterId,
      apiHost,
      backupType,
      ...(database ? { database } : {}),
      ...(collections ? { collections } : {}),
      deploy: {
        environment,
        sha,
        ...(text(deploy.ref) ? { ref: text(deploy.ref) } : {}),
        ...(text(deploy.event) ? { event: text(deploy.event) } : {}),
      },
      run: {
        ...(text(run.id) ? { id: text(run.id) } : {}),
        ...(text(run.attempt) ? { attempt: text(run.attempt) } : {}),
        ...(text(run.url) ? { url: text(run.url) } : {}),
      },
      createdAt: text(value.createdAt) ?? '',
    },
  };
}
