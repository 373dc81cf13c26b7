// The backup workflow: make sure the cluster is free, create exactly one backup, then wait for
// it. Everything learnt along the way goes into a BackupRecord that the report can read at any
// moment (also when the step is cancelled or times out).
import type { BackupInfo, CreateBackupBody } from '../api/backups.ts';
import type { ZillizClient } from '../api/client.ts';
import { ApiError, ApiRequestError } from '../api/errors.ts';
import { Deadline, DeadlineExceededError, formatDuration } from '../core/deadline.ts';
import { errorMessage } from '../core/errors.ts';
import type { Log } from '../core/log.ts';
import { pollUntil, type PollInterval } from '../core/schedule.ts';
import type { Settings } from './settings.ts';

export type FinalStatus = 'SUCCESSFUL' | 'FAILED' | 'CANCELED' | 'TIMED_OUT' | 'STARTED';

export interface BackupRecord {
  backupId?: string;
  backupName?: string;
  jobId?: string;
  /** Found in the backup list after a create whose reply was lost: its job id is unknown. */
  adopted: boolean;
  status?: FinalStatus;
  size?: number;
  /** Other backups that had to finish before ours could start. */
  waitedFor: string[];
}

/** The backup exists but did not succeed (its job FAILED or was cancelled). */
export class BackupFailedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BackupFailedError';
  }
}

/** Another backup runs on the cluster and if-in-progress is "fail". */
export class BackupInProgressError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BackupInProgressError';
  }
}

export interface WorkflowContext {
  client: ZillizClient;
  settings: Settings;
  deadline: Deadline;
  log: Log;
  record: BackupRecord;
  /** Called the moment the backup's ids are known, before any waiting. */
  onCreated: (record: BackupRecord) => void;
  interval?: PollInterval;
}

// Business errors that say the request itself is wrong: no other backup can explain them, so
// they fail at once. Any other non-zero code may be the API's undocumented "busy" answer.
const REQUEST_ERROR_CODES = new Set([21119, 80000, 80001, 80002, 80020, 80021, 90001, 90011]);
const CANCEL_STATUSES = new Set(['CANCELING', 'CANCELED', 'CANCELLED']);
const DOCUMENTED_JOB_STATUSES = new Set([
  'PENDING',
  'IN_PROGRESS',
  'SUCCESSFUL',
  'FAILED',
  ...CANCEL_STATUSES,
]);

export function createBody(settings: Settings): CreateBackupBody {
  const body: CreateBackupBody = { backupType: settings.backupType };
  if (settings.backupType === 'COLLECTION') {
    body.dbCollections = [
      {
        ...(settings.database === undefined ? {} : { dbName: settings.database }),
        collectionNames: settings.collections,
      },
    ];
  }
  if (settings.copyToRegions.length > 0) {
    body.crossRegionCopies = settings.copyToRegions.map((regionId) => ({ regionId }));
  }
  return body;
}

/** "backup9_x (nightly, auto), backup8_y" */
function describeBackups(backups: BackupInfo[]): string {
  return backups
    .map((b) => {
      const details = [b.backupName, b.creationMethod?.toLowerCase()].filter(Boolean);
      return details.length > 0 ? `${b.backupId} (${details.join(', ')})` : b.backupId;
    })
    .join(', ');
}

export async function runBackup(ctx: WorkflowContext): Promise<void> {
  const known = await waitUntilClusterIsFree(ctx, 'before creating ours');
  await createOnce(ctx, known);
  if (!ctx.settings.wait) {
    ctx.record.status = 'STARTED';
    ctx.log.info('wait is false: the backup goes on in Zilliz Cloud; not waiting for it.');
    return;
  }
  try {
    if (ctx.record.jobId) {
      await waitForJob(ctx, ctx.record.jobId);
      await readSize(ctx);
    } else {
      // Watched through Describe backup: its AVAILABLE reply already carries the size.
      ctx.record.size = (await waitForAdoptedBackup(ctx)).size;
    }
  } catch (error) {
    if (error instanceof DeadlineExceededError) ctx.record.status = 'TIMED_OUT';
    throw error;
  }
}

/**
 * Lists the cluster's backups; when one is CREATING (manual or automatic), waits for it to
 * finish, or fails at once with if-in-progress: fail. Returns the ids of all backups seen last,
 * so that a backup appearing later can be recognised as new.
 */
async function waitUntilClusterIsFree(ctx: WorkflowContext, when: string): Promise<Set<string>> {
  const { client, settings, log } = ctx;
  let backups = await client.listBackups(settings.clusterId);
  const running = backups.filter((b) => b.status === 'CREATING');
  if (running.length > 0) {
    const names = describeBackups(running);
    if (settings.ifInProgress === 'fail') {
      throw new BackupInProgressError(
        `backup ${names} is in progress on cluster ${settings.clusterId}, and if-in-progress is "fail" ` +
          '(Zilliz Cloud runs one manual backup at a time, and none while an automatic one runs)',
      );
    }
    ctx.record.waitedFor.push(...running.map((b) => b.backupId));
    log.info(
      `Backup ${names} is in progress on cluster ${settings.clusterId}: waiting for it to finish ${when}.`,
    );
    const started = Date.now();
    let waitingFor = names;
    backups = await pollUntil(
      ctx.deadline,
      `backup ${names} to finish`,
      async () => {
        const list = await client.listBackups(settings.clusterId);
        const still = list.filter((b) => b.status === 'CREATING');
        if (still.length === 0) return list;
        // Another backup may take over (an automatic one starting as the manual one ends).
        for (const b of still) {
          if (!ctx.record.waitedFor.includes(b.backupId)) ctx.record.waitedFor.push(b.backupId);
        }
        const now = describeBackups(still);
        if (now !== waitingFor) {
          waitingFor = now;
          log.info(
            `Now waiting for backup ${now} (${formatDuration(Date.now() - started)} elapsed).`,
          );
        }
        return undefined;
      },
      ctx.interval,
    );
    log.info(`The other backup finished after ${formatDuration(Date.now() - started)}.`);
  }
  return new Set(backups.map((b) => b.backupId));
}

/**
 * A manual backup that was not there before our first create and is CREATING or AVAILABLE is
 * the one our create made, even though its reply never reached us.
 */
async function findOwnBackup(
  ctx: WorkflowContext,
  known: Set<string>,
): Promise<BackupInfo | undefined> {
  const manual = await ctx.client.listBackups(ctx.settings.clusterId, 'MANUAL');
  return manual.find(
    (b) =>
      !known.has(b.backupId) &&
      (b.status === 'CREATING' || b.status === 'AVAILABLE') &&
      (b.backupType === undefined || b.backupType === ctx.settings.backupType),
  );
}

/**
 * Creates the backup. A create is only repeated when it surely did nothing (429, refused
 * connection); after a lost or ambiguous reply the backup list is checked first, and a new
 * manual backup found there is adopted instead of making a second one.
 */
async function createOnce(ctx: WorkflowContext, known: Set<string>): Promise<void> {
  const progress = { mayHaveCreated: false };
  try {
    await createWithoutDuplicates(ctx, known, progress);
  } catch (error) {
    if (error instanceof DeadlineExceededError && progress.mayHaveCreated) {
      // Time ran out while a create was in flight or its outcome was still being checked.
      throw new DeadlineExceededError(
        `${error.message}; a create request may have started a backup all the same: look for ` +
          'it in the Zilliz Cloud console before running this again',
      );
    }
    throw error;
  }
}

async function createWithoutDuplicates(
  ctx: WorkflowContext,
  known: Set<string>,
  progress: { mayHaveCreated: boolean },
): Promise<void> {
  const { client, settings, log, record } = ctx;
  const body = createBody(settings);
  let outcomeUnknown = false;
  for (let attempt = 0; ;) {
    try {
      progress.mayHaveCreated = true;
      const created = await client.createBackup(settings.clusterId, body);
      record.backupId = created.backupId;
      record.backupName = created.backupName;
      record.jobId = created.jobId;
      ctx.onCreated(record);
      log.info(
        `Started backup ${created.backupName} (${created.backupId}), job ${created.jobId}` +
          (created.requestId ? ` [request id ${created.requestId}]` : ''),
      );
      return;
    } catch (error) {
      if (!(error instanceof ApiRequestError)) throw error;
      if (error.outcome === 'unknown') outcomeUnknown = true;
      progress.mayHaveCreated = outcomeUnknown;
      if (outcomeUnknown) {
        const own = await findOwnBackup(ctx, known);
        if (own) {
          adopt(ctx, own, error);
          return;
        }
      }
      if (error instanceof ApiError) {
        if (REQUEST_ERROR_CODES.has(error.code)) throw error;
        // Possibly "busy": did a backup start between our check and our create?
        const running = (await client.listBackups(settings.clusterId)).filter(
          (b) => b.status === 'CREATING',
        );
        if (running.length === 0) throw error;
        log.info(
          `Create was refused (${error.serverMessage}, code ${error.code}) while another backup runs.`,
        );
        for (const id of await waitUntilClusterIsFree(ctx, 'and then create ours')) known.add(id);
        attempt = 0;
        continue;
      }
      if (!error.transient) throw error;
      await client.pauseBeforeRetry(error, attempt++);
    }
  }
}

function adopt(ctx: WorkflowContext, backup: BackupInfo, cause: Error): void {
  const { record, log } = ctx;
  record.backupId = backup.backupId;
  record.backupName = backup.backupName;
  record.adopted = true;
  ctx.onCreated(record);
  log.warning(
    `The reply to a create was lost, but backup ${backup.backupName} (${backup.backupId}) has ` +
      'appeared on the cluster since: it is ours, so no second backup is made ' +
      `(last answer: ${cause.message}). Its job id is unknown: the jobId output stays empty, ` +
      'and the backup itself is watched instead.',
  );
}

async function waitForJob(ctx: WorkflowContext, jobId: string): Promise<void> {
  const { client, log, record } = ctx;
  const started = Date.now();
  let last = '';
  await pollUntil(
    ctx.deadline,
    `job ${jobId}`,
    async (reportProgress) => {
      const job = await client.describeJob(jobId);
      reportProgress(job.progress);
      const line = `${job.status}${job.progress ? ` ${job.progress}%` : ''}`;
      if (line !== last) {
        last = line;
        const unknown = !DOCUMENTED_JOB_STATUSES.has(job.status);
        log.info(
          `Job ${jobId}: ${line} (${formatDuration(Date.now() - started)} elapsed)` +
            (unknown ? ' — an undocumented status, still waiting' : ''),
        );
      }
      if (job.status === 'SUCCESSFUL') return job;
      if (job.status === 'FAILED') {
        record.status = 'FAILED';
        throw new BackupFailedError(
          `backup job ${jobId} FAILED: ${job.reason || 'Zilliz Cloud gave no reason'}`,
        );
      }
      if (CANCEL_STATUSES.has(job.status)) {
        record.status = 'CANCELED';
        throw new BackupFailedError(
          `backup job ${jobId} was cancelled (status ${job.status}), e.g. from the Zilliz Cloud console`,
        );
      }
      return undefined;
    },
    ctx.interval,
  );
  record.status = 'SUCCESSFUL';
  log.info(`Backup job ${jobId} SUCCESSFUL after ${formatDuration(Date.now() - started)}.`);
}

async function waitForAdoptedBackup(ctx: WorkflowContext): Promise<BackupInfo> {
  const { client, log, record, settings } = ctx;
  const backupId = record.backupId as string;
  const started = Date.now();
  let last = '';
  const available = await pollUntil(
    ctx.deadline,
    `backup ${backupId}`,
    async () => {
      const backup = await client.describeBackup(settings.clusterId, backupId);
      if (backup.status !== last) {
        last = backup.status;
        log.info(
          `Backup ${backupId}: ${backup.status} (${formatDuration(Date.now() - started)} elapsed)`,
        );
      }
      if (backup.status === 'AVAILABLE') return backup;
      if (backup.status !== 'CREATING') {
        record.status = 'FAILED';
        throw new BackupFailedError(
          `backup ${backupId} ended as ${backup.status} instead of AVAILABLE`,
        );
      }
      return undefined;
    },
    ctx.interval,
  );
  record.status = 'SUCCESSFUL';
  return available;
}

/** One Describe backup call for the size. A successful job stays a success whatever it says. */
async function readSize(ctx: WorkflowContext): Promise<void> {
  const { client, log, record, settings } = ctx;
  try {
    const backup = await client.describeBackup(settings.clusterId, record.backupId as string);
    if (backup.status !== 'AVAILABLE') {
      log.warning(
        `Backup ${backup.backupId} is reported ${backup.status}, not AVAILABLE yet: its size is not known.`,
      );
      return;
    }
    record.size = backup.size;
  } catch (error) {
    log.warning(`Could not read the backup's size: ${errorMessage(error)}`);
  }
}
