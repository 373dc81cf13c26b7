// List every manual backup (all pages), read the collections of collection backups, decide with
// the pure plan, then delete, a few at a time under the rate limit, and list again. Everything
// learnt goes into a PruneRecord, so that any ending (failure, timeout, cancellation) reports
// what was deleted so far.
import type { BackupInfo } from '../api/backups.ts';
import type { ZillizClient } from '../api/client.ts';
import { ApiError, ApiRequestError, isNotFound } from '../api/errors.ts';
import { writeOnce, WriteUnknownError, type Proof } from '../api/writes.ts';
import { errorMessage } from '../core/errors.ts';
import {
  ledgerQuery,
  openLedger,
  readFailure,
  successfulEntries,
  type LedgerRun,
} from '../ledger/ledger.ts';
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
  /** Deleted by this run, proven (the reply, Describe backup, or the final list). */
  deleted: BackupInfo[];
  failures: Failure[];
  /** Due, and found already deleted when this run asked (another run deleted them). */
  goneMeanwhile?: BackupInfo[];
  /** Listed, but what they hold could not be read exactly: kept, whatever the rules say. */
  unreadable?: Failure[];
  /** Backups in scope at the start that the last list still shows. */
  leftInScope?: BackupInfo[];
  /** Backups the deploy ledger protects (protect-ledger), with their entries. */
  ledgerProtected?: { backupId: string; entryId: number; sha: string }[];
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
  /** The GitHub API, for protect-ledger. */
  github: LedgerRun['github'];
}

/** What reading the ledger needs of the token. */
const LEDGER_NEEDS = ['deployments: read'];

/**
 * The backups of the newest protect-ledger-count successful entries of the ledger, never to be
 * deleted. A ledger that cannot be read stops the prune before anything is deleted (fail
 * closed): what it would have protected is not known.
 */
async function ledgerProtected(context: PruneContext): Promise<void> {
  const { settings, record, log } = context;
  if (!settings.protectLedger) return;
  try {
    const reader = await openLedger(ledgerQuery(settings.protectLedger, settings), context);
    const { chosen } = await successfulEntries(reader, settings.protectLedgerCount);
    record.ledgerProtected = chosen.map((entry) => ({
      backupId: entry.payload.backupId,
      entryId: entry.id,
      sha: entry.sha,
    }));
    log.info(
      `The deploy ledger ${reader.environment} protects ` +
        (chosen.length === 0
          ? 'no backup (it has no successful entry for this cluster)'
          : chosen
              .map(
                (e) => `${e.payload.backupId} (deployment ${e.id}, commit ${e.sha.slice(0, 12)})`,
              )
              .join(', ')),
    );
  } catch (error) {
    throw readFailure(error, LEDGER_NEEDS);
  }
}

export function backupLabel(backup: BackupInfo): string {
  return `${backup.backupName || backup.backupId} (${backup.backupId})`;
}

/**
 * Collection backups with the collections Describe backup names (the list names none). One that
 * cannot be described, or names a collection that cannot be read exactly, cannot be shown to
 * be in scope: it is kept, and said (record.unreadable).
 */
async function withCollections(
  { client, settings, log, record }: PruneContext,
  listed: readonly BackupInfo[],
): Promise<BackupInfo[]> {
  const described = new Map<string, BackupInfo>();
  const unreadable: Failure[] = [];
  const collectionBackups = listed.filter((b) => b.backupType === 'COLLECTION');
  await forEachConcurrent(collectionBackups, CONCURRENCY, async (backup) => {
    try {
      const info = await client.backups.describe(settings.clusterId, backup.backupId);
      described.set(backup.backupId, {
        ...backup,
        collections: info.collections,
        unreadableCollections: info.unreadableCollections,
      });
      if (info.unreadableCollections.length > 0) {
        unreadable.push({
          backup,
          reason: `lists collections that cannot be read exactly: ${info.unreadableCollections.join(', ')}`,
        });
      }
    } catch (error) {
      // Gone since the list (or not describable): it cannot be shown to be in scope.
      if (!(error instanceof ApiError)) throw error;
      if (isNotFound(error)) return;
      unreadable.push({ backup, reason: `Describe backup was refused: ${error.message}` });
    }
  });
  record.unreadable = unreadable;
  for (const { backup, reason } of unreadable) {
    log.warning(`Kept ${backupLabel(backup)}, whatever the rules say: it ${reason}`);
  }
  return listed
    .filter((backup) => !unreadable.some((u) => u.backup.backupId === backup.backupId))
    .map((backup) => described.get(backup.backupId) ?? backup);
}

export async function runPrune(context: PruneContext): Promise<void> {
  const { client, settings, log, record } = context;
  await ledgerProtected(context);
  const protect = [...settings.protect, ...(record.ledgerProtected ?? []).map((p) => p.backupId)];
  const listed = await client.backups.list(settings.clusterId, 'MANUAL');
  const backups =
    settings.backupType === 'COLLECTION' ? await withCollections(context, listed) : listed;
  const plan = planPrune(backups, { ...settings, protect, scope: settings }, Date.now());
  record.plan = plan;
  log.info(
    `${count(listed.length, 'manual backup')} listed, ${plan.decisions.length} in scope: ` +
      `${plan.toDelete.length} to delete, ${plan.leftOver.length} over max-deletions ` +
      `(${settings.maxDeletions}), ${plan.decisions.length - plan.toDelete.length - plan.leftOver.length} kept`,
  );
  for (const { backup } of plan.toDelete) {
    if (backup.sizeUnreadable) {
      log.info(
        `The size of ${backupLabel(backup)} is not a whole number of bytes: not counted in freedBytes.`,
      );
    }
  }

  if (settings.dryRun) {
    for (const { backup } of plan.toDelete)
      log.info(`Dry run: would delete ${backupLabel(backup)}`);
    return;
  }

  const unproven: BackupInfo[] = [];
  await forEachConcurrent(plan.toDelete, CONCURRENCY, (decision) =>
    deleteOne(context, decision, unproven),
  );

  const inScope = new Set(plan.decisions.map((d) => d.backup.backupId));
  const after = await client.backups.list(settings.clusterId, 'MANUAL');
  const still = new Set(after.map((b) => b.backupId));
  // The final list decides what Describe backup could not.
  for (const backup of unproven) {
    if (still.has(backup.backupId)) {
      const reason =
        'the delete was sent, its reply was lost, and the backup is still listed afterwards';
      record.failures.push({ backup, reason });
      log.warning(`Could not delete ${backupLabel(backup)}: ${reason}`);
    } else {
      recordDeleted(context, backup, ' (reply lost; the final list no longer shows it)');
    }
  }
  record.leftInScope = after.filter((b) => inScope.has(b.backupId));
  log.info(`${count(record.leftInScope.length, 'backup')} in scope remain`);
  if (record.failures.length > 0) throw new PruneFailedError(record.failures);
}

function recordDeleted(context: PruneContext, backup: BackupInfo, how: string): void {
  context.record.deleted.push(backup);
  context.log.info(
    `Deleted ${backupLabel(backup)}${backup.size === undefined ? '' : `, ${formatSize(backup.size)}`}${how}`,
  );
}

/**
 * After a delete whose reply was lost: gone if Describe backup says DELETED or answers that
 * there is no such backup; still there if it says so (the delete may be sent again); anything
 * else cannot tell, and the final list decides.
 */
async function proveGone(context: PruneContext, backup: BackupInfo): Promise<Proof<'gone'>> {
  try {
    const info = await context.client.backups.describe(context.settings.clusterId, backup.backupId);
    if (info.status === 'DELETED') return { found: 'it', item: 'gone' };
    if (info.status === 'AVAILABLE' || info.status === 'CREATING') return { found: 'nothing' };
    return { found: 'unclear', why: `Describe backup says it is ${info.status}` };
  } catch (error) {
    if (isNotFound(error)) return { found: 'it', item: 'gone' };
    if (error instanceof ApiRequestError) {
      return { found: 'unclear', why: `Describe backup failed: ${error.message}` };
    }
    throw error;
  }
}

/**
 * Deletes one backup (see api/writes.ts): a refusal is recorded with the server's reason (the
 * others go on), except "no such backup", which another run's delete explains; a delete whose
 * reply was lost counts only once proven (Describe backup, else the final list).
 */
async function deleteOne(
  context: PruneContext,
  { backup }: Decision,
  unproven: BackupInfo[],
): Promise<void> {
  const { client, settings, log, record } = context;
  try {
    const written = await writeOnce(client.transport, {
      what: `the delete of ${backupLabel(backup)}`,
      send: () => client.backups.delete(settings.clusterId, backup.backupId),
      prove: () => proveGone(context, backup),
    });
    recordDeleted(
      context,
      backup,
      'sent' in written ? '' : ' (reply lost; Describe backup says it is gone)',
    );
  } catch (error) {
    if (error instanceof WriteUnknownError) {
      log.info(`${error.message}; the final list decides.`);
      unproven.push(backup);
      return;
    }
    if (isNotFound(error)) {
      (record.goneMeanwhile ??= []).push(backup);
      log.info(`${backupLabel(backup)} was already deleted (by another run): nothing to do.`);
      return;
    }
    // Any failure of the request is this backup's; anything else is a bug, not a refusal.
    if (!(error instanceof ApiRequestError)) throw error;
    const reason =
      error instanceof ApiError
        ? `${error.serverMessage} (code ${error.code}${error.requestId ? `, request id ${error.requestId}` : ''})`
        : errorMessage(error);
    record.failures.push({ backup, reason });
    log.warning(`Could not delete ${backupLabel(backup)}: ${reason}`);
  }
}
