// The restore action's endpoints: Restore collection backup, Restore cluster backup, List
// clusters and Describe cluster. Both spellings of the contested restore fields (`dest*` from the
// OpenAPI source, `target*` from one rendering of the reference; `projectId` and the older
// `targetProjectId`) are accepted.
import { fail, isRecord, ok, type ApiReply } from './handlers.ts';

type Json = Record<string, unknown>;
import {
  CLUSTER_STATUS_AFTER_FAILED_RESTORE,
  ERR,
  PAGE_SIZE,
  RESTORE_CREATES_DATABASE,
  RESTORE_ERR,
  isoSeconds,
  newClusterId,
  newPassword,
} from './quirks.ts';
import type { Cluster } from './scenario.ts';
import type { SimBackup, SimState } from './state.ts';

/** The field in either spelling: `destX` or `targetX`. */
function either(input: Json, name: string): unknown {
  return input[`dest${name}`] ?? input[`target${name}`];
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

  const destClusterId = name(either(input, 'ClusterId'));
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
  const destDbName = name(either(group, 'DbName')) ?? dbName;
  const entries = group.collections;
  if (!Array.isArray(entries) || entries.length !== 1 || !isRecord(entries[0])) {
    return fail(RESTORE_ERR.param('collections (exactly one collection per call)'));
  }
  const entry = entries[0];
  const collectionName = name(entry.collectionName);
  if (!collectionName) return fail(RESTORE_ERR.param('collectionName'));
  const destName = name(either(entry, 'CollectionName')) ?? collectionName;
  const status = either(entry, 'CollectionStatus') ?? 'UNLOADED';
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
  // The target collection exists from the moment the restore starts.
  dest.databases[destDbName] = [...(existing ?? []), destName];
  const job = state.startRestoreJob(destClusterId, backupId, now);
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
  if (Object.values(state.scenario.clusters).some((c) => c.name === clusterName)) {
    return fail(RESTORE_ERR.clusterNameTaken(clusterName));
  }

  const job = state.startRestoreJob(clusterId, backupId, now);
  const newId = newClusterId();
  const databases: Record<string, string[]> = {};
  for (const c of backup.collections) databases[c.dbName] = [...c.collectionNames];
  state.scenario.clusters[newId] = {
    name: clusterName,
    plan: 'Dedicated',
    regionId: source.regionId,
    projectId,
    databases,
    cuSize,
    restoreJobId: job.jobId,
    createdAt: now,
  };
  return ok({ clusterId: newId, username: 'db_admin', password: newPassword(), jobId: job.jobId });
}

function clusterView(state: SimState, clusterId: string, c: Cluster, now: number): Json {
  const job = c.restoreJobId ? state.job(c.restoreJobId, now) : undefined;
  const status = !job
    ? 'RUNNING'
    : job.status === 'SUCCESSFUL'
      ? 'RUNNING'
      : job.status === 'FAILED' || job.status === 'CANCELED'
        ? CLUSTER_STATUS_AFTER_FAILED_RESTORE
        : 'CREATING';
  return {
    clusterId,
    clusterName: c.name,
    projectId: c.projectId,
    regionId: c.regionId,
    plan: c.plan,
    cuType: 'Performance-optimized',
    cuSize: c.cuSize ?? 1,
    status,
    connectAddress: `https://${clusterId}.${c.regionId}.vectordb.zillizcloud.com:19530`,
    createTime: isoSeconds(c.createdAt ?? 0),
  };
}

export function listClusters(
  state: SimState,
  query: Record<string, string>,
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
    clusterView(state, id, c, now),
  );
  const page = all.slice((currentPage - 1) * pageSize, currentPage * pageSize);
  return ok({ count: all.length, currentPage, pageSize, clusters: page });
}

export function describeCluster(state: SimState, clusterId: string, now: number): ApiReply {
  const cluster = state.cluster(clusterId);
  if (!cluster) return fail(ERR.unknownCluster);
  return ok(clusterView(state, clusterId, cluster, now));
}
