// Backup endpoints: create, describe and list. Typed requests and replies; the contested points
// of the public reference (which fields are optional, `collections` vs `dbCollections`) are
// decided here.
import { MalformedReplyError } from './errors.ts';
import { isObject, optionalText, requireString, type Reply, type Transport } from './transport.ts';

export type BackupType = 'CLUSTER' | 'COLLECTION';

// Enough for any real cluster; stops a misbehaving server from paging us forever.
const MAX_LIST_PAGES = 50;
const LIST_PAGE_SIZE = 100;

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
export async function listBackups(
  transport: Transport,
  clusterId: string,
  creationMethod?: 'MANUAL' | 'AUTO',
): Promise<BackupInfo[]> {
  const backups: BackupInfo[] = [];
  for (let page = 1; page <= MAX_LIST_PAGES; page++) {
    const query = new URLSearchParams({
      clusterId,
      ...(creationMethod ? { creationMethod } : {}),
      pageSize: String(LIST_PAGE_SIZE),
      currentPage: String(page),
    });
    const label = `GET /v2/backups?${query}`;
    const reply = await transport.read(`/v2/backups?${query}`, label);
    const list = reply.data.backups;
    if (!Array.isArray(list)) {
      throw new MalformedReplyError(label, 'reply has no "backups" list', reply.requestId, false);
    }
    backups.push(...list.map((item: unknown) => toBackupInfo(item, reply.requestId, label)));
    const count = typeof reply.data.count === 'number' ? reply.data.count : backups.length;
    if (list.length === 0 || backups.length >= count) break;
  }
  return backups;
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
  };
}
