// Backup endpoints: create, describe, list and delete. Typed requests and replies; the contested
// points of the public reference (which fields are optional, `collections` vs `dbCollections`)
// are decided here.
import { readAllPages } from './pages.ts';
import { isObject, optionalText, requireString, type Reply, type Transport } from './transport.ts';

export type BackupType = 'CLUSTER' | 'COLLECTION';

export interface CreateBackupBody {
  backupType: BackupType;
  dbCollections?: { dbName?: string; collectionNames: string[] }[];
  crossRegionCopies?: { regionId: string }[];
}

export interface CreatedBackup {
  backupId: string;
  backupName: string;
  jobId: string;
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

/** One attempt, never repeated here: the caller must first find out whether it worked. */
export async function createBackup(
  transport: Transport,
  clusterId: string,
  body: CreateBackupBody,
): Promise<CreatedBackup> {
  const label = `POST /v2/clusters/${clusterId}/backups/create`;
  const reply = await transport.send(
    'POST',
    `${clusterPath(clusterId)}/backups/create`,
    label,
    body,
  );
  return {
    backupId: requireString(reply, 'backupId', label),
    backupName: requireString(reply, 'backupName', label),
    jobId: requireString(reply, 'jobId', label),
    requestId: reply.requestId,
  };
}

export async function describeBackup(
  transport: Transport,
  clusterId: string,
  backupId: string,
): Promise<BackupInfo> {
  const label = `GET /v2/clusters/${clusterId}/backups/${backupId}`;
  const reply = await transport.read(
    `${clusterPath(clusterId)}/backups/${encodeURIComponent(backupId)}`,
    label,
  );
  return toBackupInfo(reply.data, reply.requestId, label);
}

/** Every AVAILABLE or CREATING backup of a cluster (all pages), newest first as listed. */
export function listBackups(
  transport: Transport,
  clusterId: string,
  creationMethod?: 'MANUAL' | 'AUTO',
): Promise<BackupInfo[]> {
  return readAllPages(
    transport,
    '/v2/backups',
    { clusterId, ...(creationMethod ? { creationMethod } : {}) },
    'backups',
    toBackupInfo,
  );
}

function toBackupInfo(item: unknown, requestId: string | undefined, label: string): BackupInfo {
  const data = isObject(item) ? item : {};
  const reply: Reply = { data, requestId };
  const size =
    typeof data.size === 'number'
      ? data.size
      : typeof data.size === 'string' && /^\d+$/.test(data.size)
        ? Number(data.size)
        : undefined;
  return {
    backupId: requireString(reply, 'backupId', label),
    backupName: optionalText(data.backupName) ?? '',
    status: requireString(reply, 'status', label),
    creationMethod: optionalText(data.creationMethod),
    backupType: optionalText(data.backupType),
    size,
    createTime: optionalText(data.createTime),
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
          .filter((name): name is string => typeof name === 'string' && name !== '')
      : [];
  if (Array.isArray(data.dbCollections)) {
    return data.dbCollections.filter(isObject).flatMap((group) => {
      const dbName = optionalText(group.dbName) || undefined;
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

/**
 * One attempt, never repeated here: when its reply is lost, the caller finds out with Describe
 * backup whether the backup is gone. Undocumented: deleting a CREATING or automatic backup, an
 * unknown id, or deleting twice.
 */
export async function deleteBackup(
  transport: Transport,
  clusterId: string,
  backupId: string,
): Promise<DeletedBackup> {
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
}
