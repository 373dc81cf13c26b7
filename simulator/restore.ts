// The restore action's endpoints: Restore collection backup, Restore cluster backup, List
// clusters and Describe cluster. By default both spellings of the contested restore fields
// (`dest*` from the OpenAPI source, `target*` from one rendering of the reference; `projectId`
// and the older `targetProjectId`) are accepted; a scenario can make Restore collection honour
// only one spelling and ignore or refuse the other (see quirks.ts honouredRestoreFields).
import { fail, isRecord, ok, type ApiReply } from './handlers.ts';

type Json = Record<string, unknown>;
import {
  ADDRESS_WHILE_NOT_RUNNING,
  CLUSTER_STATUS_AFTER_FAILED_RESTORE,
  DEFAULT_RESTORED_STATUS,
  ERR,
  PAGE_SIZE,
  RESTORE_CREATES_DATABASE,
  RESTORE_ERR,
  CLUSTER_NAMES_PER_PROJECT,
  honouredRestoreFields,
  isoSeconds,
  loadedAfterClusterRestore,
  newClusterId,
  newPassword,
} from './quirks.ts';
import { DEFAULT_ROW_COUNT } from './scenario.ts';
import type { Cluster, RestoreFieldSpelling, Scenario } from './scenario.ts';
import type { SimBackup, SimState } from './state.ts';

/** What Describe cluster shows of a cluster's endpoint (see endpoints.ts). */
export interface ClusterAddress {
  connectAddress: string;
  privateLinkAddress: string;
}

const NO_ADDRESS: ClusterAddress = {
  connectAddress: ADDRESS_WHILE_NOT_RUNNING,
  privateLinkAddress: ADDRESS_WHILE_NOT_RUNNING,
};

/** A restore field (`ClusterId`, `DbName`, `CollectionName`, `CollectionStatus`) as the
 *  service of this scenario reads it: `destX` or `targetX`, or only the honoured spelling. */
function targetField(input: Json, name: string, spelling: RestoreFieldSpelling): unknown {
  if (spelling === 'both') return input[`dest${name}`] ?? input[`target${name}`];
  const honoured = honouredRestoreFields(spelling);
  return [`dest${name}`, `target${name}`]
    .filter((k) => honoured.includes(k))
    .map((k) => input[k])[0];
}

/** With one spelling honoured and the other refused: the path of the first field the service
 *  does not know (a `dest*`/`target*` field outside the honoured ones). */
function refusedField(input: Json, scenario: Scenario): string | undefined {
  const spelling = scenario.restoreFieldSpelling;
  if (spelling === 'both' || scenario.otherSpelling !== 'refuse') return undefined;
  const honoured = honouredRestoreFields(spelling);
  const stray = (value: unknown, path: string): string | undefined => {
    if (!isRecord(value)) return undefined;
    const key = Object.keys(value).find(
      (k) => /^(dest|target)[A-Z]/.test(k) && !honoured.includes(k),
    );
    return key === undefined ? undefined : `${path}${key}`;
  };
  const groups = Array.isArray(input.dbCollections) ? (input.dbCollections as unknown[]) : [];
  return (
    stray(input, '') ??
    groups
      .flatMap((group, i) => {
        const entries =
          isRecord(group) && Array.isArray(group.collections) ? group.collections : [];
        return [
          stray(group, `dbCollections[${i}].`),
          ...entries.map((entry, j) => stray(entry, `dbCollections[${i}].collections[${j}].`)),
        ];
      })
      .find((path) => path !== undefined)
  );
}

function name(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** The backup to restore from (of `type`) and the request body, or the error to return. */
function restoreRequest(
  state: SimState,
  clusterId: string,
  backupId: string,
  body: unknown,
  type: SimBackup['backupType'],
  now: number,
): { backup: SimBackup; input: Record<string, unknown> } | ApiReply {
  const cluster = state.cluster(clusterId);
  if (!cluster) return fail(ERR.unknownCluster);
  if (cluster.plan !== 'Dedicated') return fail(ERR.serverless);
  const backup = state.backup(clusterId, backupId, now);
  if (!backup) return fail(ERR.unknownBackup(backupId));
  if (backup.status !== 'AVAILABLE') return fail(RESTORE_ERR.notAvailable(backupId, backup.status));
  if (typeof body === 'string') return fail(ERR.invalidJson);
  if (backup.backupType !== type) return fail(RESTORE_ERR.param('backupType'));
  return { backup, input: isRecord(body) ? body : {} };
}

export function restoreCollection(
  state: SimState,
  clusterId: string,
  backupId: string,
  body: unknown,
  now: number,
): ApiReply {
  const request = restoreRequest(state, clusterId, backupId, body, 'COLLECTION', now);
  if ('httpStatus' in request) return request;
  const { backup, input } = request;
  const refused = refusedField(input, state.scenario);
  if (refused !== undefined) return fail(ERR.unknownField(refused));
  const spelling = state.scenario.restoreFieldSpelling;

  const destClusterId = name(targetField(input, 'ClusterId', spelling));
  if (!destClusterId) return fail(RESTORE_ERR.param('destClusterId'));
  const dest = state.cluster(destClusterId);
  if (!dest) return fail(ERR.unknownCluster);
  if (dest.plan !== 'Dedicated') return fail(ERR.serverless);
  const source = state.cluster(clusterId) as Cluster;
  if (dest.regionId !== source.regionId || dest.projectId !== source.projectId) {
    return fail(RESTORE_ERR.param('destClusterId (not in the same region and project)'));
  }

  // One collection per call, as the service works today.
  const groups = input.dbCollections;
  if (!Array.isArray(groups) || groups.length !== 1 || !isRecord(groups[0])) {
    return fail(RESTORE_ERR.param('dbCollections (exactly one database entry)'));
  }
  const group = groups[0];
  const dbName = name(group.dbName) ?? 'default';
  const destDbName = name(targetField(group, 'DbName', spelling)) ?? dbName;
  const entries = group.collections;
  if (!Array.isArray(entries) || entries.length !== 1 || !isRecord(entries[0])) {
    return fail(RESTORE_ERR.param('collections (exactly one collection per call)'));
  }
  const entry = entries[0];
  const collectionName = name(entry.collectionName);
  if (!collectionName) return fail(RESTORE_ERR.param('collectionName'));
  const destName = name(targetField(entry, 'CollectionName', spelling)) ?? collectionName;
  const status = targetField(entry, 'CollectionStatus', spelling) ?? DEFAULT_RESTORED_STATUS;
  if (status !== 'LOADED' && status !== 'UNLOADED') {
    return fail(RESTORE_ERR.param('destCollectionStatus'));
  }
  const held = backup.collections.find((c) => c.dbName === dbName);
  if (!held?.collectionNames.includes(collectionName)) {
    return fail(ERR.unknownCollection(collectionName));
  }

  const existing = Object.hasOwn(dest.databases, destDbName)
    ? dest.databases[destDbName]
    : undefined;
  if (!existing && !RESTORE_CREATES_DATABASE) return fail(ERR.unknownDatabase(destDbName));
  if (existing?.includes(destName)) return fail(RESTORE_ERR.targetExists(destName, destDbName));
  const job = state.startRestoreJob(destClusterId, backupId, now);
  // The target name is taken from the moment the restore starts; the collection exists once the
  // job has succeeded, with the rows the backup recorded (state.settle).
  state.startRestoreInto(destClusterId, {
    dbName: destDbName,
    collectionName: destName,
    jobId: job.jobId,
    rowCount: backup.rowCounts[dbName]?.[collectionName] ?? DEFAULT_ROW_COUNT,
    loaded: status === 'LOADED',
  });
  return ok({ jobId: job.jobId });
}

export function restoreCluster(
  state: SimState,
  clusterId: string,
  backupId: string,
  body: unknown,
  now: number,
): ApiReply {
  const request = restoreRequest(state, clusterId, backupId, body, 'CLUSTER', now);
  if ('httpStatus' in request) return request;
  const { backup, input } = request;
  const source = state.cluster(clusterId) as Cluster;

  const projectId = name(input.projectId ?? input.targetProjectId);
  if (!projectId) return fail(RESTORE_ERR.param('projectId'));
  const clusterName = name(input.clusterName);
  if (!clusterName) return fail(RESTORE_ERR.param('clusterName'));
  const cuSize = input.cuSize;
  if (typeof cuSize !== 'number' || !Number.isInteger(cuSize) || cuSize < 1 || cuSize > 1024) {
    return fail(RESTORE_ERR.param('cuSize'));
  }
  if (input.collectionStatus !== 'KEEP' && input.collectionStatus !== 'RELEASE') {
    return fail(RESTORE_ERR.param('collectionStatus'));
  }
  if (input.regionId !== undefined && input.regionId !== source.regionId) {
    return fail(RESTORE_ERR.param('regionId'));
  }
  const taken = Object.values(state.scenario.clusters).some(
    (c) => c.name === clusterName && (!CLUSTER_NAMES_PER_PROJECT || c.projectId === projectId),
  );
  if (taken) {
    return fail(RESTORE_ERR.clusterNameTaken(clusterName));
  }

  const job = state.startRestoreJob(clusterId, backupId, now);
  const newId = newClusterId();
  const password = newPassword();
  const loaded = loadedAfterClusterRestore(input.collectionStatus);
  const databases: Record<string, string[]> = {};
  const released: Record<string, string[]> = {};
  for (const c of backup.collections) {
    databases[c.dbName] = [...c.collectionNames];
    released[c.dbName] = loaded ? [] : [...c.collectionNames];
  }
  // Same project and network as the source: its endpoint mode, BYOC and Milvus version carry
  // over; only the db_admin user of the reply can sign in (RBAC is not restored).
  state.scenario.clusters[newId] = {
    name: clusterName,
    plan: 'Dedicated',
    regionId: source.regionId,
    projectId,
    databases,
    rowCounts: structuredClone(backup.rowCounts),
    released,
    restoring: [],
    cuSize,
    endpoint: source.endpoint,
    byoc: source.byoc,
    credentials: [`db_admin:${password}`],
    successCode: source.successCode,
    restoreJobId: job.jobId,
    createdAt: now,
  };
  return ok({ clusterId: newId, username: 'db_admin', password, jobId: job.jobId });
}

/** CREATING until the restore job that makes it succeeds, DELETED if it fails, else RUNNING. */
export function clusterStatus(state: SimState, c: Cluster, now: number): string {
  const job = c.restoreJobId ? state.job(c.restoreJobId, now) : undefined;
  if (!job || job.status === 'SUCCESSFUL') return 'RUNNING';
  return job.status === 'FAILED' || job.status === 'CANCELED'
    ? CLUSTER_STATUS_AFTER_FAILED_RESTORE
    : 'CREATING';
}

function clusterView(
  state: SimState,
  clusterId: string,
  c: Cluster,
  address: ClusterAddress,
  now: number,
): Json {
  const status = clusterStatus(state, c, now);
  return {
    clusterId,
    clusterName: c.name,
    projectId: c.projectId,
    regionId: c.regionId,
    plan: c.plan,
    cuType: 'Performance-optimized',
    cuSize: c.cuSize ?? 1,
    status,
    ...(status === 'RUNNING' ? address : NO_ADDRESS),
    createTime: isoSeconds(c.createdAt ?? 0),
  };
}

export function listClusters(
  state: SimState,
  query: Record<string, string>,
  addresses: ReadonlyMap<string, ClusterAddress>,
  now: number,
): ApiReply {
  const int = (value: string | undefined, fallback: number): number =>
    value === undefined || value === '' ? fallback : /^\d+$/.test(value) ? Number(value) : NaN;
  const pageSize = int(query.pageSize, PAGE_SIZE.default);
  if (!(pageSize >= PAGE_SIZE.min && pageSize <= PAGE_SIZE.max)) {
    return fail(ERR.param('pageSize'));
  }
  const currentPage = int(query.currentPage, 1);
  if (!(currentPage >= 1)) return fail(ERR.param('currentPage'));
  const all = Object.entries(state.scenario.clusters).map(([id, c]) =>
    clusterView(state, id, c, addresses.get(id) ?? NO_ADDRESS, now),
  );
  const page = all.slice((currentPage - 1) * pageSize, currentPage * pageSize);
  return ok({ count: all.length, currentPage, pageSize, clusters: page });
}

export function describeCluster(
  state: SimState,
  clusterId: string,
  addresses: ReadonlyMap<string, ClusterAddress>,
  now: number,
): ApiReply {
  const cluster = state.cluster(clusterId);
  if (!cluster) return fail(ERR.unknownCluster);
  return ok(clusterView(state, clusterId, cluster, addresses.get(clusterId) ?? NO_ADDRESS, now));
}
