// The four API endpoints: validate input, act on the state, build the {code, data} envelope.
import {
  CREATE_FIELDS,
  DB_COLLECTIONS_FIELDS,
  ERR,
  LISTED_STATUSES,
  LIST_QUERY_FIELDS,
  LIST_UNKNOWN_CLUSTER_IS_ERROR,
  PAGE_SIZE,
  collectionEntry,
  listCount,
} from './quirks.ts';
import type { ApiError } from './quirks.ts';
import { allCollections, liveNames } from './state.ts';
import type { DbCollections, SimBackup, SimState } from './state.ts';
import type { Cluster } from './scenario.ts';

export interface ApiReply {
  httpStatus: number;
  body: unknown;
}

export function ok(data: unknown): ApiReply {
  return { httpStatus: 200, body: { code: 0, data } };
}

export function fail(err: ApiError): ApiReply {
  return { httpStatus: err.httpStatus ?? 200, body: { code: err.code, message: err.message } };
}

/** A Dedicated cluster, or the error to return. */
function dedicated(state: SimState, clusterId: string): Cluster | ApiError {
  const cluster = state.cluster(clusterId);
  if (!cluster) return ERR.unknownCluster;
  if (cluster.plan !== 'Dedicated') return ERR.serverless;
  return cluster;
}

function isError(value: Cluster | ApiError): value is ApiError {
  return 'code' in value;
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isNonEmptyString(value: unknown): value is string {
  return typeof value === 'string' && value.length > 0;
}

/** The first field of `value` that is not among `known`. */
function unknownField(
  value: Record<string, unknown>,
  known: readonly string[],
): string | undefined {
  return Object.keys(value).find((key) => !known.includes(key));
}

export function createBackup(
  state: SimState,
  clusterId: string,
  body: unknown,
  now: number,
): ApiReply {
  const cluster = dedicated(state, clusterId);
  if (isError(cluster)) return fail(cluster);
  if (typeof body === 'string') return fail(ERR.invalidJson);
  const input = isRecord(body) ? body : {};
  const stray = unknownField(input, CREATE_FIELDS);
  if (stray !== undefined) return fail(ERR.unknownField(stray));

  const backupType = input.backupType;
  if (backupType !== 'CLUSTER' && backupType !== 'COLLECTION') {
    return fail(ERR.param('backupType'));
  }

  let collections: DbCollections[];
  if (backupType === 'CLUSTER') {
    collections = allCollections(cluster); // dbCollections, if sent, is ignored
  } else {
    const picked = pickCollections(cluster, input.dbCollections);
    if ('code' in picked) return fail(picked);
    collections = [picked];
  }

  const copies = input.crossRegionCopies;
  if (
    copies !== undefined &&
    !(
      Array.isArray(copies) &&
      copies.every(
        (c) =>
          isRecord(c) &&
          isNonEmptyString(c.regionId) &&
          unknownField(c, ['regionId']) === undefined,
      )
    )
  ) {
    return fail(ERR.param('crossRegionCopies'));
  }
  const crossRegionCopies = ((copies ?? []) as { regionId: string }[]).map((c) => ({
    regionId: c.regionId,
  }));

  if (state.scenario.autoBackupStartsOnCreate) {
    state.scenario.autoBackupStartsOnCreate = false; // one-shot
    state.startAutoBackup(clusterId, now);
  }
  if (state.creating(clusterId, 'AUTO', now)) return fail(ERR.autoBackupInProgress);
  if (state.creating(clusterId, 'MANUAL', now)) return fail(ERR.manualBackupInProgress);

  const { backup, job } = state.createManualBackup(
    clusterId,
    backupType,
    collections,
    crossRegionCopies,
    now,
  );
  return ok({ backupId: backup.backupId, backupName: backup.backupName, jobId: job.jobId });
}

/** Exactly one {dbName?, collectionNames} entry naming existing collections. */
function pickCollections(cluster: Cluster, dbCollections: unknown): DbCollections | ApiError {
  if (!Array.isArray(dbCollections) || dbCollections.length !== 1 || !isRecord(dbCollections[0])) {
    return ERR.param('dbCollections');
  }
  const entry = dbCollections[0];
  const stray = unknownField(entry, DB_COLLECTIONS_FIELDS);
  if (stray !== undefined) return ERR.unknownField(`dbCollections[0].${stray}`);
  const dbName = entry.dbName ?? 'default';
  if (!isNonEmptyString(dbName)) return ERR.param('dbName');
  const names = entry.collectionNames;
  if (!Array.isArray(names) || names.length === 0 || !names.every(isNonEmptyString)) {
    return ERR.param('collectionNames');
  }
  // Names taken by restores still running are no collections yet.
  const existing = Object.hasOwn(cluster.databases, dbName)
    ? liveNames(cluster, dbName)
    : undefined;
  if (!existing) return ERR.unknownDatabase(dbName);
  const missing = names.find((n) => !existing.includes(n));
  if (missing !== undefined) return ERR.unknownCollection(missing);
  return { dbName, collectionNames: [...new Set(names)] };
}

export function describeJob(state: SimState, jobId: string, now: number): ApiReply {
  const job = state.job(jobId, now);
  if (!job) return fail(ERR.unknownJob(jobId));
  const { type, status, progress, startTime, endTime, reason } = job;
  return ok({ jobId, type, status, progress, startTime, endTime, reason });
}

export function describeBackup(
  state: SimState,
  clusterId: string,
  backupId: string,
  now: number,
): ApiReply {
  const cluster = dedicated(state, clusterId);
  if (isError(cluster)) return fail(cluster);
  const b = state.backup(clusterId, backupId, now);
  if (!b) return fail(ERR.unknownBackup(backupId));
  const field = state.scenario.collectionsField;
  const collections =
    b.describeCollections !== undefined
      ? { [field]: b.describeCollections }
      : field === 'collections'
        ? { collections: b.collections.flatMap((c) => c.collectionNames.map(collectionEntry)) }
        : {
            dbCollections: b.collections.map((c) => ({
              dbName: c.dbName,
              collections: c.collectionNames.map(collectionEntry),
            })),
          };
  return ok({
    clusterId: b.clusterId,
    clusterName: b.clusterName,
    projectId: b.projectId,
    backupId: b.backupId,
    backupName: b.backupName,
    backupType: b.backupType,
    creationMethod: b.creationMethod,
    status: b.status,
    size: b.rawSize !== undefined ? b.rawSize : b.size,
    regionId: b.regionId,
    createTime: b.createTime,
    expireTime: b.expireTime,
    ...collections,
  });
}

/** A positive integer query parameter, its default when absent, or undefined when invalid. */
function intParam(value: string | undefined, fallback: number): number | undefined {
  if (value === undefined || value === '') return fallback;
  return /^\d+$/.test(value) ? Number(value) : undefined;
}

export function listBackups(state: SimState, query: Record<string, string>, now: number): ApiReply {
  const stray = unknownField(query, LIST_QUERY_FIELDS);
  if (stray !== undefined) return fail(ERR.unknownField(stray));
  const { clusterId, projectId, creationMethod, backupType } = query;
  if (creationMethod !== undefined && creationMethod !== 'MANUAL' && creationMethod !== 'AUTO') {
    return fail(ERR.param('creationMethod'));
  }
  if (backupType !== undefined && backupType !== 'CLUSTER' && backupType !== 'COLLECTION') {
    return fail(ERR.param('backupType'));
  }
  const pageSize = intParam(query.pageSize, PAGE_SIZE.default);
  if (pageSize === undefined || pageSize < PAGE_SIZE.min || pageSize > PAGE_SIZE.max) {
    return fail(ERR.pageSize);
  }
  const currentPage = intParam(query.currentPage, 1);
  if (currentPage === undefined || currentPage < 1) return fail(ERR.param('currentPage'));
  if (clusterId !== undefined && LIST_UNKNOWN_CLUSTER_IS_ERROR) {
    const cluster = dedicated(state, clusterId);
    if (isError(cluster)) return fail(cluster);
  }

  const quirks = state.scenario.listQuirks;
  const sorted = state
    .backups(now)
    .map((b, index) => ({ b, index }))
    .filter(
      ({ b }) =>
        LISTED_STATUSES.includes(b.status) &&
        (clusterId === undefined || quirks.ignoreClusterFilter || b.clusterId === clusterId) &&
        (projectId === undefined || b.projectId === projectId) &&
        (creationMethod === undefined || b.creationMethod === creationMethod) &&
        (backupType === undefined || b.backupType === backupType),
    )
    .sort((x, y) => y.b.createdAt - x.b.createdAt || y.index - x.index) // newest first
    .map(({ b }) => b);
  const matching = quirks.duplicateEntries ? sorted.flatMap((b) => [b, b]) : sorted;
  const perPage = Math.min(pageSize, quirks.maxPerPage ?? pageSize);
  const page = matching.slice((currentPage - 1) * perPage, currentPage * perPage);
  const count = listCount(state.scenario.countStyle, matching.length, page.length);
  return ok({ count, currentPage, pageSize, backups: page.map(listEntry) });
}

function listEntry(b: SimBackup): Record<string, unknown> {
  return {
    projectId: b.projectId,
    backupId: b.backupId,
    backupName: b.backupName,
    backupType: b.backupType,
    creationMethod: b.creationMethod,
    size: b.rawSize !== undefined ? b.rawSize : b.size,
    expireTime: b.expireTime,
    clusterId: b.clusterId,
    clusterName: b.clusterName,
    createTime: b.createTime,
    status: b.status,
  };
}
