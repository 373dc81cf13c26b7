// List every manual backup (all pages), read the collections of collection backups, decide with
// the pure plan, then delete, a few at a time under the rate limit, and list again. Everything
// learnt goes into a PruneRecord, so that any ending (failure, timeout, cancellation) reports
// what was deleted so far.
import type { BackupInfo } from '../api/backups.ts';
import type { ZillizClient } from '../api/client.ts';
import { ApiError, ApiRequestError, HttpStatusError } from '../api/errors.ts';
import type { Deadline } from '../core/deadline.ts';
import type { Log } from '../core/log.ts';
import { forEachConcurrent } from '../core/pool.ts';
import { formatSize } from '../core/summary.ts';
import { count } from '../core/words.ts';
import { planPrune, type Decision, type Plan } from './plan.ts';
import type { Settings } from './settings.ts';

/** Requests in flight at once; the transport's rate limit decides the pace. */
export const CONCURRENCY = 8;

export interface Failure {
  backup: BackupInfo;
  /** The server's reason (untrusted text: log and escape it). */
  reason: string;
}

export interface PruneRecord {
  plan?: Plan;
  deleted: BackupInfo[];
  failures: Failure[];
  /** Backups in scope at the start that the last list still shows. */
  leftInScope?: BackupInfo[];
}

export class PruneFailedError extends Error {
  constructor(failures: readonly Failure[]) {
    super(
      `${failures.length} backup${failures.length === 1 ? '' : 's'} could not be deleted:\n` +
        failures.map((f) => `- ${f.backup.backupId}: ${f.reason}`).join('\n'),
    );
    this.name = 'PruneFailedError';
  }
}

export interface PruneContext {
  client: ZillizClient;
  settings: Settings;
  deadline: Deadline;
  log: Log;
  record: PruneRecord;
}

export function backupLabel(backup: BackupInfo): string {
  return `${backup.backupName || backup.backupId} (${backup.backupId})`;
}

/** Collection backups with the collections Describe backup names (the list names none). */
async function withCollections(
  { client, settings }: PruneContext,
  listed: readonly BackupInfo[],
): Promise<BackupInfo[]> {
  const described = new Map<string, BackupInfo>();
  const collectionBackups = listed.filter((b) => b.backupType === 'COLLECTION');
  await forEachConcurrent(collectionBackups, CONCURRENCY, async (backup) => {
    try {
      const info = await client.backups.describe(settings.clusterId, backup.backupId);
      described.set(backup.backupId, { ...backup, collections: info.collections });
    } catch (error) {
      // Gone since the list (or not describable): it cannot be shown to be ours, so it is not.
      if (!(error instanceof ApiError)) throw error;
    }
  });
  return listed.map((backup) => described.get(backup.backupId) ?? backup);
}

export async function runPrune(context: PruneContext): Promise<void> {
  const { client, settings, log, record } = context;
  const listed = await client.backups.list(settings.clusterId, 'MANUAL');
  const backups =
    settings.backupType === 'COLLECTION' ? await withCollections(context, listed) : listed;
  const plan = planPrune(backups, { ...settings, scope: settings }, Date.now());
  record.plan = plan;
  log.info(
    `${count(listed.length, 'manual backup')} listed, ${plan.decisions.length} in scope: ` +
      `${plan.toDelete.length} to delete, ${plan.leftOver.length} over max-deletions ` +
      `(${settings.maxDeletions}), ${plan.decisions.length - plan.toDelete.length - plan.leftOver.length} kept`,
  );

  if (settings.dryRun) {
    for (const { backup } of plan.toDelete)
      log.info(`Dry run: would delete ${backupLabel(backup)}`);
    return;
  }

  await forEachConcurrent(plan.toDelete, CONCURRENCY, (decision) => deleteOne(context, decision));

  const inScope = new Set(plan.decisions.map((d) => d.backup.backupId));
  const after = await client.backups.list(settings.clusterId, 'MANUAL');
  record.leftInScope = after.filter((b) => inScope.has(b.backupId));
  log.info(`${count(record.leftInScope.length, 'backup')} in scope remain`);
  if (record.failures.length > 0) throw new PruneFailedError(record.failures);
}

/** Is the backup gone? Asked when a delete's reply was lost. */
async function isGone({ client, settings }: PruneContext, backup: BackupInfo): Promise<boolean> {
  try {
    const info = await client.backups.describe(settings.clusterId, backup.backupId);
    return info.status === 'DELETED';
  } catch (error) {
    if (error instanceof ApiError) return true; // refused: no such backup any more
    throw error;
  }
}

/**
 * Deletes one backup. A refusal is recorded with the server's reason (the others go on); a
 * request that never reached the server is repeated; a reply that was lost is checked with
 * Describe backup before anything is repeated. Only the deadline stops it.
 */
async function deleteOne(context: PruneContext, { backup }: Decision): Promise<void> {
  const { client, settings, log, record } = context;
  const deleted = (how: string): void => {
    record.deleted.push(backup);
    log.info(
      `Deleted ${backupLabel(backup)}${backup.size === undefined ? '' : `, ${formatSize(backup.size)}`}${how}`,
    );
  };
  for (let attempt = 0; ; attempt++) {
    try {
      await client.backups.delete(settings.clusterId, backup.backupId);
      deleted('');
      return;
    } catch (error) {
      if (!(error instanceof ApiRequestError)) throw error;
      const refused =
        error instanceof ApiError || (error instanceof HttpStatusError && !error.transient);
      if (refused) {
        const reason =
          error instanceof ApiError
            ? `${error.serverMessage} (code ${error.code}${error.requestId ? `, request id ${error.requestId}` : ''})`
            : error.message;
        record.failures.push({ backup, reason });
        log.warning(`Could not delete ${backupLabel(backup)}: ${reason}`);
        return;
      }
      if (error.outcome !== 'not-processed') {
        log.info(`${error.message}; checking whether ${backup.backupId} is gone`);
        if (await isGone(context, backup)) {
          deleted(' (reply lost; Describe backup says it is gone)');
          return;
        }
        if (!error.transient) {
          record.failures.push({ backup, reason: error.message });
          log.warning(`Could not delete ${backupLabel(backup)}: ${error.message}`);
          return;
        }
      }
      await client.transport.pauseBeforeRetry(error, attempt);
    }
  }
}
