// What the user sees of a prune: the outputs, and a job summary with one table of the backups in
// scope, newest first, saying for each whether it was kept or deleted, and why.
import * as core from '@actions/core';
import { nextStepsFor } from '../api/advice.ts';
import type { ReportOf, SummaryBody } from '../core/action.ts';
import { DeadlineExceededError, formatDuration } from '../core/deadline.ts';
import { formatSize, statusIcon, type SummaryTable } from '../core/summary.ts';
import { count } from '../core/words.ts';
import type { Decision } from './plan.ts';
import type { Settings } from './settings.ts';
import { PruneFailedError, type PruneRecord } from './workflow.ts';
import { LedgerError } from '../ledger/ledger.ts';
import { DEFAULT_DATABASE } from '../api/ids.ts';

export type PruneStatus = 'SUCCESSFUL' | 'FAILED' | 'TIMED_OUT' | 'DRY_RUN';

/** A long summary table is cut here (GitHub limits a step's summary to 1 MiB). */
export const MAX_ROWS = 500;

export type ReportInput = ReportOf<Settings, PruneRecord>;

export function pruneStatus({ settings, error, cancelled }: ReportInput): PruneStatus {
  if (error instanceof DeadlineExceededError) return 'TIMED_OUT';
  if (error !== undefined || cancelled) return 'FAILED';
  return settings.dryRun ? 'DRY_RUN' : 'SUCCESSFUL';
}

/** The ids deleted, oldest first (deletions finish in any order). */
export function deletedIds(record: PruneRecord): string[] {
  const deleted = new Set(record.deleted.map((b) => b.backupId));
  return (record.plan?.toDelete ?? [])
    .map((d) => d.backup.backupId)
    .filter((id) => deleted.has(id));
}

export function freedBytes(record: PruneRecord): number {
  return record.deleted.reduce((sum, backup) => sum + (backup.size ?? 0), 0);
}

/** Backups in scope that are still there: from the last list, else from the plan. */
export function keptCount(record: PruneRecord): number | undefined {
  if (record.leftInScope) return record.leftInScope.length;
  return record.plan && record.plan.decisions.length - record.deleted.length;
}

/** Every output known so far; called whichever way the step ends. */
export function publishOutputs(input: ReportInput): void {
  const { record } = input;
  core.setOutput('deletedIds', JSON.stringify(deletedIds(record)));
  core.setOutput('deletedCount', String(record.deleted.length));
  core.setOutput('freedBytes', String(freedBytes(record)));
  const kept = keptCount(record);
  if (kept !== undefined) core.setOutput('keptCount', String(kept));
  if (record.plan) core.setOutput('leftOver', String(record.plan.leftOver.length));
  core.setOutput('status', pruneStatus(input));
}

/** 3 days 4 hours → "3d4h"; under a day as formatDuration writes it. */
export function formatAge(ms: number): string {
  const days = Math.floor(ms / 86_400_000);
  if (days === 0) return formatDuration(ms);
  const hours = Math.floor((ms % 86_400_000) / 3_600_000);
  return `${days}d${hours ? `${hours}h` : ''}`;
}

/** "CLUSTER backups" or "COLLECTION backups of exactly orders, items in database shop". */
export function describeScope(settings: Settings): string {
  if (settings.backupType === 'CLUSTER') return 'CLUSTER backups';
  return `COLLECTION backups of exactly ${settings.collections.join(', ')} in database ${settings.database ?? DEFAULT_DATABASE}`;
}

/** "keep-last 10, older-than 30d, max-deletions 20, protect backup1_…, dry run". */
export function describeRules(settings: Settings): string {
  return (
    `keep-last ${settings.keepLast}` +
    (settings.protectLedger
      ? `, protect-ledger ${settings.protectLedger} (newest ${settings.protectLedgerCount})`
      : '') +
    (settings.olderThanMs === undefined ? '' : `, older-than ${formatAge(settings.olderThanMs)}`) +
    `, max-deletions ${settings.maxDeletions}` +
    (settings.protect.length ? `, protect ${settings.protect.join(', ')}` : '') +
    (settings.dryRun ? ', dry run' : '')
  );
}

/** "protected by deploy ledger entry 123 (commit abc…)" when the ledger protects it. */
function ledgerEntry(record: PruneRecord, backupId: string): string | undefined {
  const entry = record.ledgerProtected?.find((p) => p.backupId === backupId);
  return (
    entry && `protected by deploy ledger entry ${entry.entryId} (commit ${entry.sha.slice(0, 12)})`
  );
}

/** Kept, deleted, would delete …, and why: one row of the summary table. */
export function verdict(decision: Decision, input: ReportInput): [string, string] {
  const { settings, record } = input;
  const id = decision.backup.backupId;
  switch (decision.verdict) {
    case 'keep': {
      const why = {
        newest: `newest ${settings.keepLast}`,
        protected: ledgerEntry(record, id) ?? 'protected',
        'too-young': `too young (not older than ${formatAge(settings.olderThanMs ?? 0)})`,
        'not-available': `status ${decision.backup.status}`,
        'unknown-age': 'no readable creation time',
      }[decision.reason ?? 'newest'];
      return ['kept', why];
    }
    case 'over-cap':
      return ['kept', `over the cap (max-deletions ${settings.maxDeletions}): next run`];
    case 'delete': {
      const why =
        `beyond the newest ${settings.keepLast}` +
        (settings.olderThanMs === undefined
          ? ''
          : ` and older than ${formatAge(settings.olderThanMs)}`);
      const failure = record.failures.find((f) => f.backup.backupId === id);
      if (failure)
        return [`${statusIcon('FAILED')} not deleted`, `${why}; refused: ${failure.reason}`];
      if (record.deleted.some((b) => b.backupId === id)) return ['deleted', why];
      if (record.goneMeanwhile?.some((b) => b.backupId === id)) {
        return ['already gone', `${why}; another run had deleted it`];
      }
      if (settings.dryRun) return ['would delete (dry run)', why];
      return ['not deleted', `${why}; the step ended first`];
    }
  }
}

function headline(input: ReportInput, status: PruneStatus): string {
  const { settings, record } = input;
  const freed = formatSize(freedBytes(record));
  const cluster = settings.clusterId;
  if (status === 'DRY_RUN') {
    return `Dry run on cluster ${cluster}: ${count(record.plan?.toDelete.length ?? 0, 'backup')} would be deleted`;
  }
  return `Pruned cluster ${cluster}: ${count(record.deleted.length, 'backup')} deleted, ${freed} freed (${status})`;
}

/** One or two sentences a user can act on, for every ending. */
export function nextSteps(error: unknown, record: PruneRecord, settings: Settings): string {
  const done =
    record.deleted.length > 0
      ? `${count(record.deleted.length, 'backup was', 'backups were')} deleted before the step ended; the others are untouched.`
      : undefined;
  return nextStepsFor(error, settings, {
    own: ownAdvice(error),
    stillRunning: done,
    moreTime:
      'Re-run to go on (nothing is deleted twice), or raise the timeout or lower max-deletions.',
  });
}

function ownAdvice(error: unknown): string | undefined {
  if (error instanceof LedgerError) {
    return 'Nothing was deleted: what the deploy ledger protects is not known. Fix what the message names (the permissions: lines, github-token), or leave protect-ledger out to prune by the other rules alone.';
  }
  if (error instanceof PruneFailedError) {
    return 'Read the reason of each refusal above (a backup that is being created cannot be deleted yet); every other backup due was deleted. A later run tries the refused ones again (nothing is deleted twice).';
  }
  return undefined;
}

export function summarize(input: ReportInput): SummaryBody {
  const { settings, record, elapsedMs } = input;
  const status = pruneStatus(input);
  const rules: string[][] = [
    ['Cluster', settings.clusterId],
    ['Scope', `manual ${describeScope(settings)}`],
    ['Rules', describeRules(settings)],
    ...(settings.protectLedger
      ? [
          [
            'Protected by the deploy ledger',
            record.ledgerProtected
              ? record.ledgerProtected.map((p) => p.backupId).join(', ') ||
                'none (no successful entry)'
              : 'not read',
          ],
        ]
      : []),
    ['Deleted', String(record.deleted.length)],
    ['Freed', formatSize(freedBytes(record))],
    ['Left in scope', String(keptCount(record) ?? 'unknown')],
    ['Left over (over the cap)', String(record.plan?.leftOver.length ?? 'unknown')],
    ['Status', status],
    ['Time taken', formatDuration(elapsedMs)],
  ];
  const tables: SummaryTable[] = [{ columns: ['Item', 'Value'], rows: rules }];
  const notes: string[] = [];
  const decisions = record.plan?.decisions ?? [];
  if (decisions.length > 0) {
    const now = Date.now();
    tables.push({
      heading: 'Backups in scope, newest first',
      columns: ['Backup', 'Created', 'Age', 'Size', 'Result', 'Why'],
      rows: decisions.slice(0, MAX_ROWS).map((decision) => {
        const { backup, createdAt } = decision;
        return [
          `${backup.backupName} (${backup.backupId})`,
          backup.createTime ?? '—',
          createdAt === undefined ? '—' : formatAge(Math.max(0, now - createdAt)),
          backup.size !== undefined
            ? formatSize(backup.size)
            : backup.sizeUnreadable
              ? 'unreadable'
              : '—',
          ...verdict(decision, input),
        ];
      }),
    });
    if (decisions.length > MAX_ROWS) {
      notes.push(`${count(decisions.length - MAX_ROWS, 'older backup')} not shown.`);
    }
  }
  const unreadable = record.unreadable ?? [];
  if (unreadable.length > 0) {
    tables.push({
      heading: 'Kept: what they hold could not be read exactly',
      columns: ['Backup', 'Why'],
      rows: unreadable.map(({ backup, reason }) => [
        `${backup.backupName} (${backup.backupId})`,
        reason,
      ]),
    });
  }
  return { status, title: headline(input, status), tables, notes };
}
