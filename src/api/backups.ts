// Backup endpoints: create, describe, list and delete. Typed requests and replies; the contested
// points of the public reference (which fields are optional, `collections` vs `dbCollections`)
// are decided here.
import { errorMessage } from '../core/errors.ts';
import { count, shorten } from '../core/words.ts';
import { EmptyReplyError } from './errors.ts';
import { DEFAULT_DATABASE, nameProblem, requireId } from './ids.ts';
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
 * What a create's reply says. The spec marks none of the fields required: a reply without a
 * usable backup id is an accepted create whose backup must be found (the endpoint throws then).
 */
export interface CreatedBackup {
  backupId: string;
  backupName: string | undefined;
  /** undefined when the reply names none, or none usable (`jobIdProblem` says which). */
  jobId: string | undefined;
  jobIdProblem: string | undefined;
  requestId: string | undefined;
}

export interface BackupInfo {
  backupId: string;
  backupName: string;
  /** The cluster the entry says it belongs to, when it says. */
  clusterId: string | undefined;
  status: string;
  creationMethod: string | undefined;
  backupType: string | undefined;
  /** Bytes; undefined when not sent, or not a whole number from 0 up (then `sizeUnreadable`). */
  size: number | undefined;
  sizeUnreadable: boolean;
  /** As the server wrote it (ISO-8601 in every example); never compared with our own clock. */
  createTime: string | undefined;
  /**
   * The backed-up collections, from Describe backup only (the list has none); undefined when the
   * reply names none.
   */
  collections: BackedUpCollection[] | undefined;
  /**
   * Entries of the collections field that could not be read exactly (no usable name or
   * database), as short excerpts. A backup with any is never taken to hold exactly a scope.
   */
  unreadableCollections: string[];
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
  const { collections, unreadable } = readCollections(data);
  return {
    backupId: requireId(reply, 'backupId', label),
    backupName: optionalName(data.backupName) ?? '',
    clusterId: optionalName(data.clusterId),
    status,
    creationMethod: optionalName(data.creationMethod),
    backupType: optionalName(data.backupType),
    size,
    sizeUnreadable: data.size !== undefined && data.size !== null && size === undefined,
    createTime: optionalName(data.createTime),
    collections,
    unreadableCollections: unreadable,
  };
}

/** A short excerpt of an entry that could not be read, for messages. */
function shown(entry: unknown): string {
  return shorten(JSON.stringify(entry) ?? String(entry), 80);
}

/**
 * Contested: the schema calls the field `dbCollections` (grouped by database, entries
 * `{dbName, collections: [{collectionName}]}` or `{dbName, collectionNames}`), every published
 * example returns a flat `collections: [{collectionName}]` (a `dbName` in an entry is read when
 * present). Both are read. A name or database that is not a valid Milvus name is not guessed
 * at: the entry is unreadable. A collection named twice counts once.
 */
function readCollections(data: Record<string, unknown>): {
  collections: BackedUpCollection[] | undefined;
  unreadable: string[];
} {
  const collections: BackedUpCollection[] = [];
  const unreadable: string[] = [];
  const add = (entry: unknown, groupDb: unknown): void => {
    const name = isObject(entry) ? entry.collectionName : entry;
    const db = isObject(entry) && entry.dbName !== undefined ? entry.dbName : groupDb;
    const dbName = db === undefined || db === null ? undefined : db;
    if (
      typeof name !== 'string' ||
      nameProblem(name) !== undefined ||
      (dbName !== undefined && (typeof dbName !== 'string' || nameProblem(dbName) !== undefined))
    ) {
      unreadable.push(shown(entry));
      return;
    }
    const collection = { dbName: dbName as string | undefined, collectionName: name };
    const twice = collections.some(
      (c) => c.collectionName === name && c.dbName === collection.dbName,
    );
    if (!twice) collections.push(collection);
  };
  const each = (list: unknown, groupDb: unknown): void => {
    if (list === undefined) return;
    if (!Array.isArray(list)) unreadable.push(shown(list));
    else for (const entry of list) add(entry, groupDb);
  };
  if (data.dbCollections !== undefined) {
    if (!Array.isArray(data.dbCollections)) unreadable.push(shown(data.dbCollections));
    else {
      for (const group of data.dbCollections) {
        if (!isObject(group)) {
          unreadable.push(shown(group));
          continue;
        }
        each(group.collections, group.dbName);
        each(group.collectionNames, group.dbName);
      }
    }
    return { collections, unreadable };
  }
  if (data.collections !== undefined) {
    each(data.collections, undefined);
    return { collections, unreadable };
  }
  return { collections: undefined, unreadable };
}

/** The requested collections that a backup does not hold (in this database, when it says). */
export function missingCollections(
  backup: BackupInfo,
  database: string | undefined,
  collectionNames: readonly string[],
): string[] {
  const wantedDb = database ?? DEFAULT_DATABASE;
  const held = new Set(
    (backup.collections ?? [])
      .filter((c) => c.dbName === undefined || c.dbName === wantedDb)
      .map((c) => c.collectionName),
  );
  return collectionNames.filter((name) => !held.has(name));
}

/**
 * Does a backup hold exactly these collections of this database (undefined: the default one)?
 * A reply that does not name the database (the flat form) is judged by the names alone; one
 * with an entry that could not be read never holds exactly anything.
 */
export function holdsExactly(
  backup: BackupInfo,
  database: string | undefined,
  collectionNames: readonly string[],
): boolean {
  if (!backup.collections || backup.unreadableCollections.length > 0) return false;
  const wantedDb = database ?? DEFAULT_DATABASE;
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
  /**
   * One attempt, never repeated here: the caller must first find out whether it worked. A reply
   * without a usable backup id is an accepted create (EmptyReplyError or MalformedReplyError,
   * outcome "processed"): the backup exists, and must be found.
   */
  create(clusterId: string, body: CreateBackupBody): Promise<CreatedBackup>;
  describe(clusterId: string, backupId: string): Promise<BackupInfo>;
  /**
   * Every AVAILABLE or CREATING backup of a cluster (all pages), newest first as listed: each
   * once, and only this cluster's (an entry that names another cluster is left out, and said).
   */
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
      const reply = await transport.send(
        'POST',
        `${clusterPath(clusterId)}/backups/create`,
        label,
        body,
      );
      if (reply.data.backupId === undefined || reply.data.backupId === '') {
        throw new EmptyReplyError(label, reply.requestId, 'names no backupId');
      }
      const backupId = requireId(reply, 'backupId', label);
      let jobId: string | undefined;
      let jobIdProblem: string | undefined;
      try {
        jobId =
          reply.data.jobId === undefined || reply.data.jobId === ''
            ? undefined
            : requireId(reply, 'jobId', label);
      } catch (error) {
        jobIdProblem = errorMessage(error);
      }
      return {
        backupId,
        backupName: optionalName(reply.data.backupName),
        jobId,
        jobIdProblem,
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

    async list(clusterId, creationMethod) {
      const { items, duplicates } = await readAllPages(
        transport,
        '/v2/backups',
        { clusterId, ...(creationMethod ? { creationMethod } : {}) },
        'backups',
        toBackupInfo,
        (backup) => backup.backupId,
      );
      const ours = items.filter((b) => b.clusterId === undefined || b.clusterId === clusterId);
      const foreign = items.length - ours.length;
      if (duplicates > 0 || foreign > 0) {
        transport.log.info(
          `The backup list of cluster ${clusterId} ignored ` +
            [
              duplicates > 0 ? `${count(duplicates, 'repeated entry', 'repeated entries')}` : '',
              foreign > 0 ? `${count(foreign, 'entry', 'entries')} of other clusters` : '',
            ]
              .filter(Boolean)
              .join(' and ') +
            ": each backup counts once, and only this cluster's count.",
        );
      }
      return ours;
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
