// The restore workflow: read the backup, then either restore its collections one at a time
// (start one, wait for its RESTORE job, then the next) or restore the whole cluster into exactly
// one new cluster. A restore request is repeated only when its failure proves the server did
// nothing; after a lost reply the action proves what happened (List clusters finds a new
// cluster) or says it cannot (UNKNOWN, naming the target to check). Everything learnt goes into
// a RestoreRecord that the report can read at any moment.
import type { BackupInfo } from '../api/backups.ts';
import type { ZillizClient } from '../api/client.ts';
import type { ClusterInfo } from '../api/clusters.ts';
import { ApiError, ApiRequestError } from '../api/errors.ts';
import type { Job } from '../api/jobs.ts';
import { Deadline, DeadlineExceededError } from '../core/deadline.ts';
import { errorMessage, namedError } from '../core/errors.ts';
import type { Log } from '../core/log.ts';
import { count } from '../core/words.ts';
import { watch, type PollInterval } from '../core/schedule.ts';
import { checkClusterRestore, planCollections } from './plan.ts';
import type { Settings } from './settings.ts';

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
}

export interface RestoreRecord {
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
  interval?: PollInterval;
}

export async function runRestore(ctx: WorkflowContext): Promise<void> {
  const { record } = ctx;
  try {
    const backup = await readBackup(ctx);
    if (backup.backupType === 'CLUSTER') await restoreCluster(ctx);
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
  const backup = await client.backups.describe(settings.clusterId, settings.backupId);
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
  log.info(
    `Restoring ${what}, a ${backup.backupType.toLowerCase()} backup of cluster ${settings.clusterId}` +
      (backup.createTime ? ` made ${backup.createTime}` : ''),
  );
  return backup;
}

/**
 * Sends a request that starts a restore, repeating it only while its failure proves the server
 * did nothing (HTTP 429, a refused connection). Any other failure is thrown for the caller to
 * judge.
 */
async function startOnce<T>(ctx: WorkflowContext, call: () => Promise<T>): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await call();
    } catch (error) {
      const safe =
        error instanceof ApiRequestError && error.transient && error.outcome === 'not-processed';
      if (!safe) throw error;
      await ctx.client.transport.pauseBeforeRetry(error, attempt);
    }
  }
}

/** A reply that may have come after the server acted (reset, timeout, 5xx, the deadline). */
function mayHaveActed(error: unknown): boolean {
  return (
    (error instanceof ApiRequestError && error.outcome === 'unknown') ||
    error instanceof DeadlineExceededError
  );
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
  record.items = plan.pairs.map(({ source, target }) => ({
    database: plan.database,
    source,
    targetClusterId: settings.targetClusterId,
    targetDatabase: plan.targetDatabase,
    target,
    status: 'NOT_STARTED',
  }));
  ctx.onChange(record);
  log.info(
    `${count(record.items.length, 'collection')} to restore, one at a time, into database ${plan.targetDatabase} of cluster ${settings.targetClusterId}: ` +
      record.items.map((item) => `${item.source} → ${item.target}`).join(', '),
  );
  for (const item of record.items) await restoreOne(ctx, item);
}

const describeItem = (item: RestoreItem): string =>
  `${item.database}.${item.source} → ${item.targetDatabase}.${item.target} on cluster ${item.targetClusterId}`;

async function restoreOne(ctx: WorkflowContext, item: RestoreItem): Promise<void> {
  const { client, settings, log, record } = ctx;
  item.startedAt = Date.now();
  let jobId: string;
  try {
    const started = await startOnce(ctx, () =>
      client.restores.collection(settings.clusterId, settings.backupId, {
        destClusterId: item.targetClusterId,
        dbName: item.database,
        destDbName: item.targetDatabase,
        collectionName: item.source,
        destCollectionName: item.target,
        load: settings.load,
      }),
    );
    jobId = started.jobId;
  } catch (error) {
    item.reason = errorMessage(error);
    if (mayHaveActed(error)) {
      item.status = 'UNKNOWN';
      record.status = error instanceof DeadlineExceededError ? 'TIMED_OUT' : 'UNKNOWN';
      throw new OutcomeUnknownError(
        `the restore of ${describeItem(item)} may have started, but its reply was lost (${errorMessage(error)}). ` +
          'It is not repeated (no second restore job for one target): check in the Zilliz Cloud console ' +
          `whether collection ${item.target} exists in database ${item.targetDatabase} of cluster ${item.targetClusterId}, or a RESTORE job runs for it`,
      );
    }
    item.status = 'FAILED';
    if (error instanceof ApiError && /already exist/i.test(error.serverMessage)) {
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
  item.durationMs = Date.now() - item.startedAt;
  endItem(item, job, `restore of ${describeItem(item)}`);
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

async function restoreCluster(ctx: WorkflowContext): Promise<void> {
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
  const taken = before.find((c) => c.clusterName === clusterName);
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
  cluster.startedAt = Date.now();
  await createClusterOnce(ctx, cluster, { projectId, clusterName, cuSize }, known);
  cluster.status = 'STARTED';
  ctx.onChange(record);
  if (!settings.wait) {
    log.info('wait is false: the new cluster is being made in Zilliz Cloud; not waiting for it.');
    return;
  }
  if (cluster.jobId) {
    const job = await waitFor(ctx, cluster, cluster.jobId);
    cluster.durationMs = Date.now() - cluster.startedAt;
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
}

async function createClusterOnce(
  ctx: WorkflowContext,
  cluster: NewCluster,
  body: { projectId: string; clusterName: string; cuSize: number },
  known: Set<string>,
): Promise<void> {
  const { client, settings, log, record } = ctx;
  for (let attempt = 0; ; attempt++) {
    try {
      const reply = await startOnce(ctx, () =>
        client.restores.cluster(settings.clusterId, settings.backupId, {
          ...body,
          collectionStatus: settings.collectionStatus,
        }),
      );
      // Masked before it is stored, logged or written anywhere.
      if (reply.password) ctx.addSecret(reply.password);
      cluster.clusterId = reply.clusterId;
      cluster.username = reply.username;
      cluster.password = reply.password;
      cluster.jobId = reply.jobId;
      ctx.onChange(record);
      log.info(
        `Started the restore into new cluster ${cluster.clusterName} (${reply.clusterId})` +
          (reply.jobId ? `, job ${reply.jobId}` : ', no job id in the reply') +
          (reply.requestId ? ` [request id ${reply.requestId}]` : ''),
      );
      return;
    } catch (error) {
      if (!mayHaveActed(error)) throw error;
      let found: ClusterInfo | undefined;
      try {
        found = (await client.clusters.list()).find(
          (c) => c.clusterName === cluster.clusterName && !known.has(c.clusterId),
        );
      } catch (listError) {
        cluster.status = 'UNKNOWN';
        record.status = 'UNKNOWN';
        throw new OutcomeUnknownError(
          `the reply to the restore into new cluster ${cluster.clusterName} was lost (${errorMessage(error)}), and List clusters failed too ` +
            `(${errorMessage(listError)}): check in the Zilliz Cloud console whether cluster ${cluster.clusterName} exists before running again`,
        );
      }
      if (found) {
        cluster.clusterId = found.clusterId;
        cluster.adopted = true;
        ctx.onChange(record);
        log.warning(
          `The reply to the restore was lost, but cluster ${found.clusterName} (${found.clusterId}) has appeared since: ` +
            `it is the one the restore made, so no second cluster is made (last answer: ${errorMessage(error)}). ` +
            'Its job id, username and password were in the lost reply: reset the db_admin password in the Zilliz Cloud console.',
        );
        return;
      }
      if (error instanceof DeadlineExceededError) throw error;
      log.info(
        `${errorMessage(error)}; List clusters shows no cluster named ${cluster.clusterName}: the restore made nothing, so it is sent again.`,
      );
      await client.transport.pauseBeforeRetry(error as ApiRequestError, attempt);
    }
  }
}

/** An adopted cluster has no known job: its own status is watched until RUNNING. */
async function waitForRunning(ctx: WorkflowContext, cluster: NewCluster): Promise<void> {
  const { client, log } = ctx;
  const clusterId = cluster.clusterId as string;
  const started = cluster.startedAt ?? Date.now();
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
  cluster.durationMs = Date.now() - started;
}
