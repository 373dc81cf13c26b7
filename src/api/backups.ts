// Backup endpoints: create, describe, list and delete. Typed requests and replies; the contested
// points of the public reference (which fields are optional, `collections` vs `dbCollections`)
// are decided here.
import { EmptyReplyError } from './errors.ts';
import { requireId } from './ids.ts';
import { readAllPages } from './pages.ts';
import {
  isObject,
  optionalCount,
  optionalName,
  optionalText,
  requireString,
  statusShape,
  type Reply,
} from './reply.ts';
import type { Transport } from './transport.ts';

export type BackupType = 'CLUSTER' | 'COLLECTION';

export interface CreateBackupBody {
  backupType: BackupType;
  dbCollections?: { dbName?: string; collectionNames: string[] }[];
  crossRegionCopies?: { regionId: string }[];
}

/**
 * What a create's reply says. The spec marks none of the fields required, and a `{"code": 0}`
 * without data has been seen: the backup exists then, but the caller must find it.
 */
export interface CreatedBackup {
  backupId: string | undefined;
  backupName: string | undefined;
  jobId: string | undefined;
  requestId: string | undefined;
}

export interface BackupInfo {
  backupId: string;
  backupName: string;
  status: string;
  creationMethod: string | undefined;
  backupType: string | undefined;
  size: number | undefined;
  /** As the server wrote it (ISO-8601 in every example); never compared with our own clock. */
  createTime: string | undefined;
  /**
   * The backed-up collections, from Describe backup only (the list has none); undefined when the
   * reply names none.
   */
  collections: BackedUpCollection[] | undefined;
}

export interface BackedUpCollection {
  /** undefined when the reply does not say (the flat `collections` form has no database). */
  dbName: string | undefined;
  collectionName: string;
}

const clusterPath = (clusterId: string): string => `/v2/clusters/${encodeURIComponent(clusterId)}`;

const BACKUP_STATUS = statusShape('backup');

function toBackupInfo(item: unknown, requestId: string | undefined, label: string): BackupInfo {
  const data = isObject(item) ? item : {};
  const reply: Reply = { data, requestId };
  const size = optionalCount(data.size);
  const status = requireString(reply, 'status', label, BACKUP_STATUS);
  return {
    backupId: requireId(reply, 'backupId', label),
    backupName: optionalName(data.backupName) ?? '',
    status,
    creationMethod: optionalName(data.creationMethod),
    backupType: optionalName(data.backupType),
    size,
    createTime: optionalName(data.createTime),
    collections: readCollections(data),
  };
}

/**
 * Contested: the schema calls the field `dbCollections` (grouped by database, entries
 * `{dbName, collections: [{collectionName}]}` or `{dbName, collectionNames}`), every published
 * example returns a flat `collections: [{collectionName}]` without a database. Both are read.
 */
function readCollections(data: Record<string, unknown>): BackedUpCollection[] | undefined {
  const names = (list: unknown): string[] =>
    Array.isArray(list)
      ? list
          .map((entry) => (isObject(entry) ? entry.collectionName : entry))
          .filter((name): name is string => optionalName(name) !== undefined)
      : [];
  if (Array.isArray(data.dbCollections)) {
    return data.dbCollections.filter(isObject).flatMap((group) => {
      const dbName = optionalName(group.dbName);
      return [...names(group.collections), ...names(group.collectionNames)].map(
        (collectionName) => ({ dbName, collectionName }),
      );
    });
  }
  if (Array.isArray(data.collections)) {
    return names(data.collections).map((collectionName) => ({ dbName: undefined, collectionName }));
  }
  return undefined;
}

/** The requested collections that a backup does not hold (in this database, when it says). */
export function missingCollections(
  backup: BackupInfo,
  database: string | undefined,
  collectionNames: readonly string[],
): string[] {
  const wantedDb = database ?? 'default';
  const held = new Set(
    (backup.collections ?? [])
      .filter((c) => c.dbName === undefined || c.dbName === wantedDb)
      .map((c) => c.collectionName),
  );
  return collectionNames.filter((name) => !held.has(name));
}

/**
 * Does a backup hold exactly these collections of this database (undefined: the default one)?
 * A reply that does not name the database (the flat form) is judged by the names alone.
 */
export function holdsExactly(
  backup: BackupInfo,
  database: string | undefined,
  collectionNames: readonly string[],
): boolean {
  if (!backup.collections) return false;
  const wantedDb = database ?? 'default';
  if (backup.collections.some((c) => c.dbName !== undefined && c.dbName !== wantedDb)) return false;
  const held = new Set(backup.collections.map((c) => c.collectionName));
  const wanted = new Set(collectionNames);
  return held.size === wanted.size && [...wanted].every((name) => held.has(name));
}

export interface DeletedBackup {
  backupId: string;
  backupName: string;
  requestId: string | undefined;
}

export interface BackupEndpoints {
  /** One attempt, never repeated here: the caller must first find out whether it worked. */
  create(clusterId: string, body: CreateBackupBody): Promise<CreatedBackup>;
  describe(clusterId: string, backupId: string): Promise<BackupInfo>;
  /** Every AVAILABLE or CREATING backup of a cluster (all pages), newest first as listed. */
  list(clusterId: string, creationMethod?: 'MANUAL' | 'AUTO'): Promise<BackupInfo[]>;
  /**
   * One attempt, never repeated here: when its reply is lost, the caller finds out with Describe
   * backup whether the backup is gone. Undocumented: deleting a CREATING or automatic backup, an
   * unknown id, or deleting twice.
   */
  delete(clusterId: string, backupId: string): Promise<DeletedBackup>;
}

export function backupEndpoints(transport: Transport): BackupEndpoints {
  return {
    async create(clusterId, body) {
      const label = `POST /v2/clusters/${clusterId}/backups/create`;
      let reply: Reply;
      try {
        reply = await transport.send(
          'POST',
          `${clusterPath(clusterId)}/backups/create`,
          label,
          body,
        );
      } catch (error) {
        if (!(error instanceof EmptyReplyError)) throw error;
        reply = { data: {}, requestId: error.requestId };
      }
      const id = (field: string): string | undefined =>
        reply.data[field] === undefined || reply.data[field] === ''
          ? undefined
          : requireId(reply, field, label);
      return {
        backupId: id('backupId'),
        backupName: optionalName(reply.data.backupName),
        jobId: id('jobId'),
        requestId: reply.requestId,
      };
    },

    describe(clusterId, backupId) {
      const label = `GET /v2/clusters/${clusterId}/backups/${backupId}`;
      return transport.read(
        `${clusterPath(clusterId)}/backups/${encodeURIComponent(backupId)}`,
        label,
        (reply) => toBackupInfo(reply.data, reply.requestId, label),
      );
    },

    list(clusterId, creationMethod) {
      return readAllPages(
        transport,
        '/v2/backups',
        { clusterId, ...(creationMethod ? { creationMethod } : {}) },
        'backups',
        toBackupInfo,
      );
    },

    async delete(clusterId, backupId) {
      const label = `DELETE /v2/clusters/${clusterId}/backups/${backupId}`;
      const reply = await transport.send(
        'DELETE',
        `${clusterPath(clusterId)}/backups/${encodeURIComponent(backupId)}`,
        label,
      );
      return {
        backupId: optionalText(reply.data.backupId) ?? backupId,
        backupName: optionalText(reply.data.backupName) ?? '',
        requestId: reply.requestId,
      };
    },
  };
}
