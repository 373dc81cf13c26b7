// Every behaviour the public Zilliz docs leave open, decided in one place.
// Clients must not depend on these choices: they are guesses, kept here so they are easy to change.
import { randomBytes } from 'node:crypto';
import type {
  BackupStatus,
  CollectionsField,
  CreationMethod,
  JobOutcome,
  JobStatus,
} from './scenario.ts';

export interface ApiError {
  code: number;
  message: string;
  /** HTTP status; business errors are HTTP 200 (documented). */
  httpStatus?: number;
}

// ---- Errors -------------------------------------------------------------------------------------

export const ERR = {
  /** Documented. */
  apiKey: { code: 21119, message: 'The apikey is illegal', httpStatus: 401 },
  /** Documented code family; the wording after the colon is ours. */
  param: (name: string): ApiError => ({ code: 80000, message: `Incorrect parameter: ${name}` }),
  /** Undocumented: a body that is not JSON. */
  invalidJson: { code: 80000, message: 'Incorrect parameter: request body is not valid JSON' },
  /** Documented. */
  unknownCluster: {
    code: 80020,
    message: 'Invalid clusterId or you do not have permission to access that Cluster.',
  },
  /** Documented (also used for Free clusters). */
  serverless: { code: 80021, message: 'Serverless cluster not support this operation.' },
  /** Documented. */
  unknownCollection: (name: string): ApiError => ({
    code: 90001,
    message: `The collection ${name} does not exist.`,
  }),
  /** Undocumented: unknown database → 80000. */
  unknownDatabase: (name: string): ApiError => ({
    code: 80000,
    message: `Incorrect parameter: database ${name} does not exist.`,
  }),
  /** UNDOCUMENTED (the docs give no code for it): a manual backup is already CREATING. */
  manualBackupInProgress: {
    code: 40003,
    message:
      'Action not available given the current status of the cluster: a manual backup is already in progress.',
  },
  /** UNDOCUMENTED: an automatic backup is CREATING on the cluster. */
  autoBackupInProgress: {
    code: 40003,
    message:
      'Action not available given the current status of the cluster: an automatic backup is in progress.',
  },
  /** Undocumented: describe job with an unknown id. */
  unknownJob: (jobId: string): ApiError => ({
    code: 80000,
    message: `Incorrect parameter: job ${jobId} does not exist.`,
  }),
  /** Undocumented: describe backup with an unknown id (or one of another cluster). */
  unknownBackup: (backupId: string): ApiError => ({
    code: 80000,
    message: `Incorrect parameter: backup ${backupId} does not exist.`,
  }),
  /** Undocumented: deleting a backup that is still being created. */
  deleteCreating: (backupId: string): ApiError => ({
    code: 40003,
    message: `Action not available given the current status of the backup: ${backupId} is being created.`,
  }),
  /** Undocumented: deleting an automatic backup (Zilliz expires those by the cluster's policy). */
  deleteAuto: (backupId: string): ApiError => ({
    code: 80000,
    message: `Incorrect parameter: ${backupId} is an automatic backup; it expires by the backup policy.`,
  }),
  /** Undocumented: the throttling reply (status 429 is our guess; the body follows the envelope). */
  rateLimited: {
    code: 429,
    message: 'Too many requests, please try again later.',
    httpStatus: 429,
  },
  /** Documented in the v2 table: page size outside 1..100. */
  pageSize: { code: 96008, message: 'Invalid pageSize: must be between 1 and 100.' },
  /** Undocumented wording: a request field the endpoint does not know (the service refuses). */
  unknownField: (name: string): ApiError => ({
    code: 80000,
    message: `Incorrect parameter: unknown field ${name}`,
  }),
  /** Undocumented: a path no route matches. */
  notFound: { code: 404, message: 'Not Found', httpStatus: 404 },
} as const;

/** Undocumented: a delete of an unknown or already deleted backup gets unknownBackup (so a repeated
 *  delete is refused: clients must check with describe backup, which says DELETED, not repeat). */
export const DELETED_BACKUP_STATUS: BackupStatus = 'DELETED';

/** Documented: 20 requests per second per user per endpoint; on by default. */
export const DEFAULT_RATE_LIMIT = { perSecond: 20 } as const;

/** Undocumented: Retry-After on a 429 of the rate limit, in whole seconds (at least 1). */
export function retryAfterSeconds(waitMs: number): string {
  return String(Math.max(1, Math.ceil(waitMs / 1000)));
}

/** Undocumented: list backups with an unknown clusterId fails (true) or returns an empty page. */
export const LIST_UNKNOWN_CLUSTER_IS_ERROR = true;

// ---- Jobs ---------------------------------------------------------------------------------------

/** PENDING lasts the first 10% of the job, at most 1 s. */
export function pendingPhaseMs(durationMs: number): number {
  return Math.min(1000, Math.floor(durationMs * 0.1));
}

/** Status of a job `elapsedMs` after its creation. CANCELING never ends. */
export function jobStatusAt(elapsedMs: number, durationMs: number, outcome: JobOutcome): JobStatus {
  if (elapsedMs >= durationMs) return outcome;
  return elapsedMs < pendingPhaseMs(durationMs) ? 'PENDING' : 'IN_PROGRESS';
}

/**
 * Progress is a string percentage (documented). PENDING "0"; IN_PROGRESS grows linearly over the
 * rest of the job, clamped to "1".."99"; SUCCESSFUL "100"; a job that stopped (FAILED, CANCELED,
 * CANCELING) keeps the value it had reached: "99", since it stops at the end of its duration.
 */
export function jobProgress(status: JobStatus, elapsedMs: number, durationMs: number): string {
  if (status === 'PENDING') return '0';
  if (status === 'SUCCESSFUL') return '100';
  const pending = pendingPhaseMs(durationMs);
  const span = Math.max(1, durationMs - pending);
  const pct = Math.floor((100 * (elapsedMs - pending)) / span);
  return String(Math.min(99, Math.max(1, pct)));
}

/** Undocumented: endTime while a job has not finished (CANCELING included) is an empty string. */
export const END_TIME_WHILE_RUNNING = '';

/** `reason` is '' unless FAILED (documented for success; CANCELED reason is our choice). */
export function jobReason(status: JobStatus, failureReason: string): string {
  return status === 'FAILED' ? failureReason : '';
}

// ---- Backups ------------------------------------------------------------------------------------

/** No FAILED backup status exists: a backup whose job FAILED or was CANCELED shows as DELETED
 *  in describe and disappears from the list (which only shows CREATING and AVAILABLE). */
export const BACKUP_STATUS_AFTER_FAILED_JOB: BackupStatus = 'DELETED';

/** Statuses list backups returns (documented). */
export const LISTED_STATUSES: readonly BackupStatus[] = ['AVAILABLE', 'CREATING'];

/** Describe backup: published examples return `collections` (a flat list), the schema says
 *  `dbCollections` (grouped by database). Default follows the examples; scenario can switch. */
export const DEFAULT_COLLECTIONS_FIELD: CollectionsField = 'collections';

/** Shape of one collection entry in describe backup (as in the published example). */
export function collectionEntry(name: string): {
  collectionName: string;
  description: string;
  status: string;
} {
  return { collectionName: name, description: '', status: 'LOADED' };
}

/** Size 0 until AVAILABLE, then a deterministic 64 MiB per collection (+1 KiB of metadata). */
export function backupSizeBytes(collectionCount: number): number {
  return collectionCount * 64 * 1024 * 1024 + 1024;
}

/** Manual backups are kept forever (documented) → expireTime ''. Automatic ones: 30 days
 *  (the published example shows createTime + 31 days; the real retention is a cluster policy). */
export function expireTime(method: CreationMethod, createdAt: number): string {
  return method === 'MANUAL' ? '' : isoSeconds(createdAt + 30 * 24 * 3600 * 1000);
}

// ---- Envelope -----------------------------------------------------------------------------------

/** ISO-8601 UTC without milliseconds, as in every published example. */
export function isoSeconds(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** Undocumented format: 32 hex characters. */
export function newRequestId(): string {
  return randomBytes(16).toString('hex');
}

/** Fault responses stand for a proxy or load balancer: they carry a requestid header only when
 *  their body is JSON (the API gateway answered), not for HTML or plain-text pages. */
export function faultCarriesRequestId(contentType: string): boolean {
  return contentType.startsWith('application/json');
}

/**
 * `count` is documented only as "the total number of backups returned". The default is the
 * overall total; a scenario can make it this page's length, a string, zero or a lie, so that a
 * client relying on it breaks.
 */
export type CountStyle = 'total' | 'page' | 'string' | 'zero' | 'huge';

export function listCount(style: CountStyle, total: number, onPage: number): number | string {
  switch (style) {
    case 'total':
      return total;
    case 'page':
      return onPage;
    case 'string':
      return String(total);
    case 'zero':
      return 0;
    case 'huge':
      return total + 1_000;
  }
}

/** Request fields each endpoint knows; the service refuses others. */
export const CREATE_FIELDS: readonly string[] = [
  'backupType',
  'dbCollections',
  'crossRegionCopies',
];
export const DB_COLLECTIONS_FIELDS: readonly string[] = ['dbName', 'collectionNames'];
export const LIST_QUERY_FIELDS: readonly string[] = [
  'clusterId',
  'projectId',
  'creationMethod',
  'backupType',
  'pageSize',
  'currentPage',
];

/** Page size bounds (documented) and default (other v2 list endpoints). */
export const PAGE_SIZE = { min: 1, max: 100, default: 10 } as const;

// ---- Restores and clusters ----------------------------------------------------------------------

export const RESTORE_ERR = {
  /** Documented code (96037 restore parameters invalid); the wording is ours. */
  param: (name: string): ApiError => ({
    code: 96037,
    message: `Restore parameters invalid: ${name}`,
  }),
  /** Undocumented: restoring a backup that is not AVAILABLE. */
  notAvailable: (backupId: string, status: string): ApiError => ({
    code: 96037,
    message: `Restore parameters invalid: backup ${backupId} is ${status}.`,
  }),
  /** Documented code (96039); the wording follows Milvus' own refusal. */
  targetExists: (name: string, dbName: string): ApiError => ({
    code: 96039,
    message: `Failed to restore collection: collection ${name} already exists in database ${dbName}.`,
  }),
  /** Documented code (96040); undocumented that a taken name is refused. */
  clusterNameTaken: (name: string): ApiError => ({
    code: 96040,
    message: `Failed to restore cluster: a cluster named ${name} already exists.`,
  }),
} as const;

/** Undocumented: a cluster name must be unused within its project (true), or anywhere (false). */
export const CLUSTER_NAMES_PER_PROJECT = true;

/** Undocumented: the restore target's database is created when it does not exist. */
export const RESTORE_CREATES_DATABASE = true;

/** A restored cluster's id: `in01-` + 15 hex digits, like the documented examples. */
export function newClusterId(): string {
  return `in01-${randomBytes(8).toString('hex').slice(0, 15)}`;
}

/** The db_admin password shown once in the restore cluster reply (format undocumented). */
export function newPassword(): string {
  return `Pw${randomBytes(12).toString('base64url')}`;
}

/** Undocumented: a cluster whose restore job FAILED or was CANCELED shows as DELETED. */
export const CLUSTER_STATUS_AFTER_FAILED_RESTORE = 'DELETED';

/** Undocumented: whether restoreCluster leaves the collections loaded. `KEEP` loads every one
 *  (backups here do not record load states); `RELEASE` leaves them all released. */
export function loadedAfterClusterRestore(collectionStatus: 'KEEP' | 'RELEASE'): boolean {
  return collectionStatus === 'KEEP';
}

/**
 * Undocumented: the spelling of the restore fields when only one spelling of the contested ones
 * is honoured (scenario `restoreFieldSpelling` `dest` or `target`). `destClusterId` and
 * `destDbName` are spelled so on every public page and are always honoured; the contested
 * `CollectionName` and `CollectionStatus` are honoured in the chosen spelling only. Every other
 * `dest*`/`target*` field (the other spelling, `targetClusterId`, `targetDbName`) is then
 * ignored or refused (scenario `otherSpelling`). With both spellings (the default) all are read.
 */
export function honouredRestoreFields(spelling: 'dest' | 'target'): readonly string[] {
  return [
    'destClusterId',
    'destDbName',
    `${spelling}CollectionName`,
    `${spelling}CollectionStatus`,
  ];
}

/** Undocumented: the status a restored collection gets when the request names none. */
export const DEFAULT_RESTORED_STATUS = 'UNLOADED';

// ---- The cluster's own endpoint (Milvus REST v2) ------------------------------------------------

/**
 * Error replies of the endpoint, as Milvus' REST v2 gives them (merr codes and wordings from the
 * Milvus source): HTTP 200 with a non-zero code, except authentication (HTTP 401, code 1800).
 * Zilliz Cloud may front the endpoint with its own wording: clients must go by `code`.
 */
export const MILVUS_ERR = {
  /** Milvus' auth middleware: no token, a wrong one, or the API key on a BYOC cluster. */
  needAuthenticate: { code: 1800, message: "user hasn't authenticated", httpStatus: 401 },
  /** A body that is not a JSON object, or a field of the wrong type. */
  incorrectFormat: (detail: string): ApiError => ({
    code: 1801,
    message: `can only accept json format request, error: ${detail}`,
  }),
  /** `collectionName` missing or empty (gin's `required` binding). */
  missingCollectionName: {
    code: 1802,
    message:
      "missing required parameters, error: Key: 'CollectionNameReq.CollectionName' Error:Field validation for 'CollectionName' failed on the 'required' tag",
  },
  /** merr.ErrCollectionNotFound, wrapped with the database as Milvus 2.4+ does. */
  collectionNotFound: (dbName: string, name: string): ApiError => ({
    code: 100,
    message: `collection not found[database=${dbName}][collection=${name}]`,
  }),
  /** merr.ErrDatabaseNotFound: every route, `has` included, refuses an unknown database. */
  databaseNotFound: (dbName: string): ApiError => ({
    code: 800,
    message: `database not found[database=${dbName}]`,
  }),
  /** An unknown path (gin answers 404). */
  notFound: { code: 404, message: '404 page not found', httpStatus: 404 },
} as const;

/** Milvus: the `default` database always exists, even when the scenario lists none by that name.
 *  Unknown request fields are ignored (Go's JSON decoding); an empty body reads as `{}`. */
export const DEFAULT_DATABASE = 'default';

// Undocumented, decided in state.ts (settle, liveNames): a collection being restored is not on
// the endpoint (not listed, `has` false) until its job is SUCCESSFUL; it then has the row count
// the backup recorded. A FAILED or CANCELED restore leaves no collection (a database it created
// stays, empty). Collections are listed in the order they were made.
//
// Undocumented, decided in state.ts (countRows): a backup records its collections' row counts
// when it is requested, not when its job ends. Describe backup does not show them (no published
// field); `sim.backups()` does.

/** Undocumented: connectAddress and privateLinkAddress are empty strings while a cluster is not
 *  RUNNING, and both empty for a cluster with no address at all (endpoint mode `none`). */
export const ADDRESS_WHILE_NOT_RUNNING = '';

/** A private link address that never resolves (`.invalid`, RFC 6761), shaped like Zilliz's. */
export function privateLinkAddress(clusterId: string, regionId: string): string {
  return `https://${clusterId}.privatelink.${regionId}.vectordb.zillizcloud.invalid:19530`;
}

/** Undocumented fields of a describe reply (the schema of every simulated collection). */
export function describeExtras(loaded: boolean): Record<string, unknown> {
  return {
    autoId: false,
    consistencyLevel: 'Bounded',
    description: '',
    enableDynamicField: true,
    fields: [
      { name: 'id', type: 'Int64', primaryKey: true, autoId: false, partitionKey: false, id: 100 },
      {
        name: 'vector',
        type: 'FloatVector',
        primaryKey: false,
        autoId: false,
        partitionKey: false,
        id: 101,
        params: [{ key: 'dim', value: '768' }],
      },
    ],
    indexes: [{ fieldName: 'vector', indexName: 'vector', metricType: 'COSINE' }],
    load: loaded ? 'LoadStateLoaded' : 'LoadStateNotLoad',
    partitionsNum: 1,
    shardsNum: 1,
    aliases: [],
    properties: [],
  };
}
