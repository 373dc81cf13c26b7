// The restore workflow: read the backup, then either restore its collections one at a time
// (start one, wait for its RESTORE job, then the next) or restore the whole cluster into exactly
// one new cluster. A restore request is repeated only when its failure proves the server did
// nothing; after a lost reply the action proves what happened (List clusters finds a new
// cluster) or says it cannot (UNKNOWN, naming the target to check). Everything learnt goes into
// a RestoreRecord that the report can read at any moment.
import { now } from '../core/clock.ts';
import { missingCollections, type BackupInfo } from '../api/backups.ts';
import type { ZillizClient } from '../api/client.ts';
import type { ClusterInfo } from '../api/clusters.ts';
import { isDatabaseNotFound } from '../api/cluster-endpoint.ts';
import { ApiError, isNotFound } from '../api/errors.ts';
import type { Entry } from '../ledger/choose.ts';
import { checkWithInputs, type OnCluster } from '../api/on-cluster.ts';
import type { RestoredCluster } from '../api/restores.ts';
import {
  isOutcomeOpen,
  writeOnce,
  WriteUnknownError,
  type Proof,
  type Written,
} from '../api/writes.ts';
import type { Job } from '../api/jobs.ts';
import { Deadline, DeadlineExceededError } from '../core/deadline.ts';
import { errorMessage, namedError } from '../core/errors.ts';
import type { Log } from '../core/log.ts';
import { count } from '../core/words.ts';
import { watch, type PollInterval } from '../core/schedule.ts';
import { checkClusterRestore, planCollections } from './plan.ts';
import type { Settings } from './settings.ts';
import { DEFAULT_DATABASE } from '../api/ids.ts';

export type RestoreStatus = 'SUCCESSFUL' | 'FAILED' | 'TIMED_OUT' | 'STARTED' | 'UNKNOWN';
export type ItemStatus = RestoreStatus | 'CANCELED' | 'NOT_STARTED';

/** One collection to restore. */
export interface RestoreItem {
  database: string;
  source: string;
  targetClusterId: string;
  targetDatabase: string;
  target: string;
  jobId?: string;
  status: ItemStatus;
  /** Why it failed, as the server said. */
  reason?: string;
  startedAt?: number;
  durationMs?: number;
  /** Rows of the restored collection, seen on the target cluster once its job succeeded. */
  rowCount?: number;
  /** Rows the backup holds, when known. */
  backupRowCount?: number;
  /** Seen on the cluster (true), or why it could not be checked. */
  seen?: true | string;
}

/** The cluster a cluster backup is restored into. */
export interface NewCluster {
  clusterName: string;
  clusterId?: string;
  username?: string;
  /** Registered as a secret before it is stored here. */
  password?: string;
  jobId?: string;
  /** Found with List clusters after a lost reply: its job, username and password are unknown. */
  adopted: boolean;
  status: ItemStatus;
  connectAddress?: string;
  reason?: string;
  startedAt?: number;
  durationMs?: number;
  /** Its collections compared with the backup's on its own endpoint (true), or why not. */
  seen?: true | string;
}

export interface RestoreRecord {
  /** The deploy ledger's entry the backup was taken from (from and ledger). */
  entry?: Entry;
  backupType?: string;
  backupName?: string;
  /** Collection restores, in order. */
  items: RestoreItem[];
  cluster?: NewCluster;
  status?: RestoreStatus;
}

/** The backup cannot be restored as it is (not AVAILABLE, an unknown type). */
export class BackupNotRestorableError extends namedError('BackupNotRestorableError') {}

/** The target of a restore exists already: a collection name, or a cluster name. */
export class TargetExistsError extends namedError('TargetExistsError') {}

/** A RESTORE job ended FAILED or was cancelled. */
export class RestoreFailedError extends namedError('RestoreFailedError') {}

/** A restore request's reply was lost and nothing can prove whether it started. */
export class OutcomeUnknownError extends namedError('OutcomeUnknownError') {}

/** The job succeeded, but the cluster does not show what it should have made. */
export class NotOnClusterError extends namedError('NotOnClusterError') {}

export interface WorkflowContext {
  client: ZillizClient;
  settings: Settings;
  deadline: Deadline;
  log: Log;
  record: RestoreRecord;
  /** Masks a secret (runner log and our redaction) before it is stored anywhere. */
  addSecret: (secret: string) => void;
  /** Called whenever an id or a status is learnt, before any waiting. */
  onChange: (record: RestoreRecord) => void;
  /** Checks on the clusters' own endpoints (verify). */
  onCluster: OnCluster;
  interval?: PollInterval;
}

export async function runRestore(ctx: WorkflowContext): Promise<void> {
  const { record } = ctx;
  try {
    const backup = await readBackup(ctx);
    if (backup.backupType === 'CLUSTER') await restoreCluster(ctx, backup);
    else await restoreCollections(ctx, backup);
    record.status = ctx.settings.wait ? 'SUCCESSFUL' : 'STARTED';
  } catch (error) {
    record.status ??= error instanceof DeadlineExceededError ? 'TIMED_OUT' : 'FAILED';
    throw error;
  } finally {
    ctx.onChange(record);
  }
}

async function readBackup(ctx: WorkflowContext): Promise<BackupInfo> {
  const { client, settings, log, record } = ctx;
  let backup: BackupInfo;
  try {
    backup = await client.backups.describe(settings.clusterId, settings.backupId);
  } catch (error) {
    if (record.entry && isNotFound(error)) {
      throw new BackupNotRestorableError(
        `backup ${settings.backupId}, which deploy ledger entry ${record.entry.id} names, no longer exists in Zilliz Cloud (${errorMessage(error)})`,
      );
    }
    throw error;
  }
  if (record.entry) checkAgainstEntry(backup, record.entry);
  record.backupType = backup.backupType;
  record.backupName = backup.backupName;
  const what = `backup ${backup.backupName || backup.backupId} (${backup.backupId})`;
  if (backup.status !== 'AVAILABLE') {
    throw new BackupNotRestorableError(
      `${what} of cluster ${settings.clusterId} is ${backup.status}, not AVAILABLE: only an AVAILABLE backup can be restored`,
    );
  }
  if (backup.backupType !== 'CLUSTER' && backup.backupType !== 'COLLECTION') {
    throw new BackupNotRestorableError(
      `${what} has backupType ${backup.backupType ?? '(none)'}: expected COLLECTION or CLUSTER`,
    );
  }
  if (backup.backupType === 'COLLECTION' && backup.unreadableCollections.length > 0) {
    throw new BackupNotRestorableError(
      `${what} lists collections that cannot be read exactly: ${backup.unreadableCollections.join(', ')}. ` +
        'Nothing was restored: a restore of "every collection" would skip them, and a name that is not a valid name cannot be restored to. Restore from the Zilliz Cloud console, or name the collections to restore',
    );
  }
  log.info(
    `Restoring ${what}, a ${backup.backupType.toLowerCase()} backup of cluster ${settings.clusterId}` +
      (backup.createTime ? ` made ${backup.createTime}` : ''),
  );
  return backup;
}

/**
 * A restore request whose outcome is open and cannot be proven: UNKNOWN (TIMED_OUT when time ran
 * out with it in flight), never FAILED or NOT_STARTED, naming the target and how to check it.
 */
function outcomeUnknown(
  record: RestoreRecord,
  item: RestoreItem | NewCluster,
  error: WriteUnknownError | DeadlineExceededError,
  check: string,
): OutcomeUnknownError {
  item.status = 'UNKNOWN';
  item.reason = errorMessage(error);
  record.status = error instanceof DeadlineExceededError ? 'TIMED_OUT' : 'UNKNOWN';
  return new OutcomeUnknownError(
    `${errorMessage(error)}. It is not repeated (no second restore for one target): ${check}`,
  );
}

/**
 * Zilliz Cloud has the last word: the backup the entry names must be of the type it says and,
 * for collections, hold every collection it says.
 */
function checkAgainstEntry(backup: BackupInfo, entry: Entry): void {
  const p = entry.payload;
  const what = `backup ${p.backupId} of ledger entry ${entry.id}`;
  if (backup.backupType !== p.backupType) {
    throw new BackupNotRestorableError(
      `${what} is a ${backup.backupType ?? 'typeless'} backup in Zilliz Cloud, but the entry says ${p.backupType}: the entry is not trusted`,
    );
  }
  if (p.backupType === 'COLLECTION') {
    const missing = missingCollections(
      backup,
      p.database,
      (p.collections ?? []).map((c) => c.name),
    );
    if (missing.length > 0) {
      throw new BackupNotRestorableError(
        `${what} does not hold ${missing.join(', ')} of database ${p.database ?? DEFAULT_DATABASE}, which the entry records: the entry is not trusted`,
      );
    }
  }
}

// ---- Collection backups ----------------------------------------------------------------------

async function restoreCollections(ctx: WorkflowContext, backup: BackupInfo): Promise<void> {
  const { settings, record, log } = ctx;
  const held = backup.collections ?? [];
  const databases = [...new Set(held.map((c) => c.dbName).filter((db) => db !== undefined))];
  if (databases.length > 1) {
    throw new BackupNotRestorableError(
      `backup ${backup.backupId} holds collections of several databases (${databases.join(', ')}): restore them from the Zilliz Cloud console`,
    );
  }
  const plan = planCollections(
    settings,
    held.map((c) => c.collectionName),
    databases[0],
  );
  const rowsInBackup = new Map(
    (record.entry?.payload.collections ?? []).map((c) => [c.name, c.rowCount]),
  );
  record.items = plan.pairs.map(({ source, target }) => ({
    database: plan.database,
    source,
    targetClusterId: settings.targetClusterId,
    targetDatabase: plan.targetDatabase,
    target,
    status: 'NOT_STARTED',
    backupRowCount: rowsInBackup.get(source),
  }));
  ctx.onChange(record);
  log.info(
    `${count(record.items.length, 'collection')} to restore, one at a time, into database ${plan.targetDatabase} of cluster ${settings.targetClusterId}: ` +
      record.items.map((item) => `${item.source} → ${item.target}`).join(', '),
  );
  const before = await targetsBefore(ctx, plan.targetDatabase);
  for (const item of record.items) await restoreOne(ctx, item, before);
}

/**
 * The target database's collections before any restore, from the cluster itself: a target that
 * exists already is refused before anything starts. Undefined when they could not be read.
 */
async function targetsBefore(
  ctx: WorkflowContext,
  database: string,
): Promise<Set<string> | undefined> {
  const { settings, record } = ctx;
  const seen = await ctx.onCluster.check(
    checkWithInputs(
      ctx.settings,
      settings.targetClusterId,
      `the collections of database ${database}`,
    ),
    async (endpoint) => {
      try {
        return await endpoint.list(database);
      } catch (error) {
        if (isDatabaseNotFound(error)) return []; // the restore creates it
        throw error;
      }
    },
  );
  if (!seen.seen) {
    for (const item of record.items) item.seen = seen.why;
    return undefined;
  }
  const names = new Set(seen.value);
  const taken = record.items.filter((item) => names.has(item.target));
  for (const item of taken) {
    item.status = 'FAILED';
    item.seen = true;
    item.reason = 'exists already on the cluster';
  }
  if (taken.length > 0) {
    const targets = taken.map((item) => item.target).join(', ');
    throw new TargetExistsError(
      `collection ${targets} already ${taken.length === 1 ? 'exists' : 'exist'} in database ${database} of cluster ${settings.targetClusterId} (seen on the cluster before any restore): nothing was restored. ` +
        'Restore under new names (suffix or rename), or drop them first if they are really meant to be replaced',
    );
  }
  return names;
}

/**
 * Once its job succeeded: the target must be on the cluster under its name. Its row count is
 * read; when it is missing, what appeared instead is named (the source's name: the service did
 * not take the target name), and the item FAILED.
 */
async function seeOnCluster(
  ctx: WorkflowContext,
  item: RestoreItem,
  before: Set<string> | undefined,
): Promise<void> {
  const seen = await ctx.onCluster.check(
    checkWithInputs(
      ctx.settings,
      item.targetClusterId,
      `collection ${item.target} in database ${item.targetDatabase}`,
    ),
    async (
      endpoint,
    ): Promise<{ found: true; rows: number | undefined } | { found: false; now: string[] }> => {
      if (await endpoint.has(item.targetDatabase, item.target)) {
        return { found: true, rows: await endpoint.rowCount(item.targetDatabase, item.target) };
      }
      return { found: false, now: await endpoint.list(item.targetDatabase) };
    },
  );
  if (!seen.seen) {
    item.seen = seen.why;
    return;
  }
  if (seen.value.found) {
    item.seen = true;
    item.rowCount = seen.value.rows;
    ctx.log.info(
      `On the cluster: ${item.targetDatabase}.${item.target} exists` +
        (item.rowCount === undefined ? '' : ` with ${count(item.rowCount, 'row')}`) +
        (item.backupRowCount === undefined ? '' : ` (the backup had ${item.backupRowCount})`),
    );
    return;
  }
  const appeared = before ? seen.value.now.filter((name) => !before.has(name)) : [];
  const instead = appeared.includes(item.source)
    ? `collection ${item.source} (the source's name) appeared instead: the service did not take the target name ${item.target}, so the restore request's field names are not the ones it reads`
    : appeared.length > 0
      ? `what appeared instead: ${appeared.join(', ')}`
      : 'no new collection appeared there';
  item.status = 'FAILED';
  item.seen = true;
  item.reason = `not found on the cluster: ${instead}`;
  throw new NotOnClusterError(
    `the job of ${describeItem(item)} reported SUCCESSFUL, but collection ${item.target} is not in database ${item.targetDatabase} of cluster ${item.targetClusterId}: ${instead}`,
  );
}

const describeItem = (item: RestoreItem): string =>
  `${item.database}.${item.source} → ${item.targetDatabase}.${item.target} on cluster ${item.targetClusterId}`;

async function restoreOne(
  ctx: WorkflowContext,
  item: RestoreItem,
  before: Set<string> | undefined,
): Promise<void> {
  const { client, settings, log, record } = ctx;
  item.startedAt = now();
  let jobId: string;
  try {
    const written = await writeOnce(client.transport, {
      what: `the restore of ${describeItem(item)}`,
      send: () =>
        client.restores.collection(settings.clusterId, settings.backupId, {
          destClusterId: item.targetClusterId,
          dbName: item.database,
          destDbName: item.targetDatabase,
          collectionName: item.source,
          destCollectionName: item.target,
          load: settings.load,
        }),
      // Nothing in the control plane lists the restores under way.
      prove: async (): Promise<Proof<never>> => ({
        found: 'unclear',
        why: 'Zilliz Cloud lists no restores in progress, so whether it started cannot be told',
      }),
    });
    if (!('sent' in written)) throw new Error('unreachable: a restore is never proven');
    jobId = written.sent.jobId;
  } catch (error) {
    const check =
      `check in the Zilliz Cloud console whether collection ${item.target} exists in database ` +
      `${item.targetDatabase} of cluster ${item.targetClusterId}, or a RESTORE job runs for it`;
    if (isOutcomeOpen(error)) throw outcomeUnknown(record, item, error, check);
    if (error instanceof DeadlineExceededError) throw error;
    item.reason = errorMessage(error);
    item.status = 'FAILED';
    if (error instanceof ApiError && /already exist/i.test(error.serverMessage)) {
      if (before !== undefined && !before.has(item.target)) {
        // The target was not there: the name the service refuses is another one.
        throw new NotOnClusterError(
          `Zilliz Cloud refused the restore of ${describeItem(item)} because a collection already exists (${error.message}), ` +
            `but ${item.target} was not in database ${item.targetDatabase} before the restore (seen on the cluster): the service did not take the target name, ` +
            `and probably restores under the source's name ${item.source}, which exists. Nothing was restored`,
        );
      }
      throw new TargetExistsError(
        `collection ${item.target} already exists in database ${item.targetDatabase} of cluster ${item.targetClusterId}, so ${item.source} cannot be restored under that name ` +
          `(${error.message}). Restore under a new name (suffix or rename), or drop ${item.target} first if it is really meant to be replaced`,
      );
    }
    throw error;
  }
  item.jobId = jobId;
  item.status = 'STARTED';
  ctx.onChange(record);
  log.info(`Started the restore of ${describeItem(item)}: job ${jobId}`);
  if (!settings.wait) {
    log.info('wait is false: the restore goes on in Zilliz Cloud; not waiting for it.');
    return;
  }
  const job = await waitFor(ctx, item, jobId);
  item.durationMs = now() - item.startedAt;
  endItem(item, job, `restore of ${describeItem(item)}`);
  ctx.onChange(record);
  await seeOnCluster(ctx, item, before);
  ctx.onChange(record);
}

/** Waits for the job; a timeout marks the item TIMED_OUT. */
async function waitFor(
  ctx: WorkflowContext,
  item: { status: ItemStatus },
  jobId: string,
): Promise<Job> {
  try {
    return await ctx.client.jobs.waitForEnd(jobId, ctx);
  } catch (error) {
    if (error instanceof DeadlineExceededError) item.status = 'TIMED_OUT';
    throw error;
  }
}

/** Sets the item's status from its finished job; throws when it did not succeed. */
function endItem(item: RestoreItem | NewCluster, job: Job, what: string): void {
  if (job.status === 'SUCCESSFUL') {
    item.status = 'SUCCESSFUL';
    return;
  }
  if (job.status === 'FAILED') {
    item.status = 'FAILED';
    item.reason = job.reason || 'Zilliz Cloud gave no reason';
    throw new RestoreFailedError(`job ${job.jobId} (${what}) FAILED: ${item.reason}`);
  }
  item.status = 'CANCELED';
  item.reason = `cancelled (status ${job.status}), e.g. from the Zilliz Cloud console`;
  throw new RestoreFailedError(`job ${job.jobId} (${what}) was ${item.reason}`);
}

// ---- Cluster backups -------------------------------------------------------------------------

async function restoreCluster(ctx: WorkflowContext, backup: BackupInfo): Promise<void> {
  const { client, settings, log, record } = ctx;
  const { projectId, clusterName } = checkClusterRestore(settings);
  const cluster: NewCluster = { clusterName, adopted: false, status: 'NOT_STARTED' };
  record.cluster = cluster;
  let cuSize = settings.cuSize;
  if (cuSize === undefined) {
    cuSize = (await client.clusters.describe(settings.clusterId)).cuSize;
    if (cuSize === undefined) {
      throw new BackupNotRestorableError(
        `Describe cluster gave no cuSize for ${settings.clusterId}: set the cu-size input`,
      );
    }
  }
  const before = await client.clusters.list();
  // Names are taken to be unique within a project; a cluster whose project is not said may be in ours.
  const taken = before.find(
    (c) => c.clusterName === clusterName && (c.projectId ?? projectId) === projectId,
  );
  if (taken) {
    throw new TargetExistsError(
      `a cluster named ${clusterName} already exists (${taken.clusterId}${taken.status ? `, ${taken.status}` : ''}): ` +
        'choose another cluster-name (a cluster restore always creates a new cluster)',
    );
  }
  const known = new Set(before.map((c) => c.clusterId));
  log.info(
    `Restoring into a new cluster ${clusterName} (project ${projectId}, ${cuSize} CU, collection-status ${settings.collectionStatus})`,
  );
  cluster.startedAt = now();
  await createClusterOnce(ctx, cluster, { projectId, clusterName, cuSize }, known);
  cluster.status = 'STARTED';
  ctx.onChange(record);
  if (!settings.wait) {
    log.info('wait is false: the new cluster is being made in Zilliz Cloud; not waiting for it.');
    return;
  }
  if (cluster.jobId) {
    const job = await waitFor(ctx, cluster, cluster.jobId);
    cluster.durationMs = now() - cluster.startedAt;
    endItem(cluster, job, `restore into cluster ${clusterName}`);
  } else {
    await waitForRunning(ctx, cluster);
  }
  try {
    cluster.connectAddress = (
      await client.clusters.describe(cluster.clusterId as string)
    ).connectAddress;
  } catch (error) {
    log.warning(`Could not read the new cluster's endpoint: ${errorMessage(error)}`);
  }
  ctx.onChange(record);
  await compareOnCluster(ctx, cluster, backup);
  ctx.onChange(record);
}

/**
 * Once the new cluster runs: its collections, listed on its own endpoint with the credentials
 * the restore returned, must include every collection the backup holds; what is missing is
 * named, and the restore FAILED.
 */
async function compareOnCluster(
  ctx: WorkflowContext,
  cluster: NewCluster,
  backup: BackupInfo,
): Promise<void> {
  const wanted = backup.collections ?? [];
  const databases = [...new Set(wanted.map((c) => c.dbName ?? DEFAULT_DATABASE))];
  const credentials = cluster.username && cluster.password;
  const seen = await ctx.onCluster.check(
    {
      clusterId: cluster.clusterId as string,
      token: credentials ? `${cluster.username}:${cluster.password}` : ctx.settings.apiKey,
      tokenIs: credentials ? 'the db_admin credentials the restore returned' : 'the API key',
      what: `the collections of new cluster ${cluster.clusterName}`,
    },
    async (endpoint) => {
      const held = new Map<string, Set<string>>();
      for (const database of databases) {
        try {
          held.set(database, new Set(await endpoint.list(database)));
        } catch (error) {
          if (!isDatabaseNotFound(error)) throw error;
          held.set(database, new Set());
        }
      }
      return held;
    },
  );
  if (!seen.seen) {
    cluster.seen = seen.why;
    return;
  }
  cluster.seen = true;
  const missing = wanted.filter(
    (c) => !seen.value.get(c.dbName ?? DEFAULT_DATABASE)?.has(c.collectionName),
  );
  if (wanted.length === 0) {
    ctx.log.info(
      `On the cluster: backup ${backup.backupId} names no collections, so there is nothing to compare.`,
    );
    return;
  }
  if (missing.length === 0) {
    ctx.log.info(
      `On the cluster: new cluster ${cluster.clusterName} holds all ${count(wanted.length, 'collection')} of the backup.`,
    );
    return;
  }
  const names = missing
    .map((c) => `${c.dbName ?? DEFAULT_DATABASE}.${c.collectionName}`)
    .join(', ');
  cluster.status = 'FAILED';
  cluster.reason = `missing on the cluster: ${names}`;
  throw new NotOnClusterError(
    `the restore into new cluster ${cluster.clusterName} (${cluster.clusterId}) reported SUCCESSFUL, but the cluster lacks ${count(missing.length, 'collection')} of the backup: ${names}`,
  );
}

/**
 * The one cluster this restore made, found after a reply that left the outcome open: new since
 * the list taken before (`known`), in the project asked for, with exactly the name asked for.
 */
async function proveNewCluster(
  ctx: WorkflowContext,
  body: { projectId: string; clusterName: string },
  known: Set<string>,
): Promise<Proof<ClusterInfo>> {
  const fresh = (await ctx.client.clusters.list()).filter(
    (c) => !known.has(c.clusterId) && c.clusterName === body.clusterName,
  );
  const ours = fresh.filter((c) => c.projectId === body.projectId);
  const unsure = fresh.filter((c) => c.projectId === undefined);
  if (ours.length === 1 && unsure.length === 0)
    return { found: 'it', item: ours[0] as ClusterInfo };
  if (ours.length === 0 && unsure.length === 0) return { found: 'nothing' };
  const names = [...ours, ...unsure]
    .map((c) => `${c.clusterId} (project ${c.projectId ?? 'not named'})`)
    .join(', ');
  return {
    found: 'unclear',
    why: `clusters named ${body.clusterName} that may be the one it made: ${names}`,
  };
}

async function createClusterOnce(
  ctx: WorkflowContext,
  cluster: NewCluster,
  body: { projectId: string; clusterName: string; cuSize: number },
  known: Set<string>,
): Promise<void> {
  const { client, settings, log, record } = ctx;
  // The db_admin password is masked, and kept for its output, the moment a reply carries one,
  // even a reply whose ids cannot be used.
  const keepPassword = (password: string): void => {
    ctx.addSecret(password);
    cluster.password = password;
  };
  let written: Written<RestoredCluster, ClusterInfo>;
  try {
    written = await writeOnce(client.transport, {
      what: `the restore into new cluster ${cluster.clusterName}`,
      send: () =>
        client.restores.cluster(
          settings.clusterId,
          settings.backupId,
          { ...body, collectionStatus: settings.collectionStatus },
          keepPassword,
        ),
      prove: () => proveNewCluster(ctx, body, known),
    });
  } catch (error) {
    const check = `check in the Zilliz Cloud console whether cluster ${cluster.clusterName} exists in project ${body.projectId} before running again (a cluster is billed)`;
    if (isOutcomeOpen(error)) throw outcomeUnknown(record, cluster, error, check);
    throw error;
  }
  if ('proven' in written) {
    const found = written.proven;
    cluster.clusterId = found.clusterId;
    cluster.adopted = true;
    ctx.onChange(record);
    log.warning(
      `The reply to the restore was lost or unusable, but cluster ${found.clusterName} (${found.clusterId}) of project ${body.projectId} has appeared since, and it is the only new one of that name: ` +
        `it is the one the restore made, so no second cluster is made (last answer: ${written.answer.message}). ` +
        (cluster.password
          ? 'Its job id was in the reply: the cluster itself is watched.'
          : 'Its job id, username and password were in the lost reply: reset the db_admin password in the Zilliz Cloud console.'),
    );
    return;
  }
  const reply = written.sent;
  cluster.clusterId = reply.clusterId;
  cluster.username = reply.username;
  cluster.jobId = reply.jobId;
  ctx.onChange(record);
  log.info(
    `Started the restore into new cluster ${cluster.clusterName} (${reply.clusterId})` +
      (reply.jobId ? `, job ${reply.jobId}` : ', no job id in the reply') +
      (reply.requestId ? ` [request id ${reply.requestId}]` : ''),
  );
}

/** An adopted cluster has no known job: its own status is watched until RUNNING. */
async function waitForRunning(ctx: WorkflowContext, cluster: NewCluster): Promise<void> {
  const { client, log } = ctx;
  const clusterId = cluster.clusterId as string;
  const started = cluster.startedAt ?? now();
  try {
    await watch({
      deadline: ctx.deadline,
      log,
      interval: ctx.interval,
      what: `cluster ${clusterId}`,
      look: () => client.clusters.describe(clusterId),
      describe: (info) => `Cluster ${clusterId}: ${info.status ?? 'unknown'}`,
      ended: (info) => (info.status === 'RUNNING' ? info : undefined),
      startedAt: started,
    });
  } catch (error) {
    if (error instanceof DeadlineExceededError) cluster.status = 'TIMED_OUT';
    throw error;
  }
  cluster.status = 'SUCCESSFUL';
  cluster.durationMs = now() - started;
}
