// What the user sees of a backup: step outputs (ids the moment they are known, status at the
// end), the job summary, and on failure what to do next. Written by the suite's harness.
import * as core from '@actions/core';
import { nextStepsFor } from '../api/advice.ts';
import { ApiError, COLLECTION_CODES } from '../api/errors.ts';
import type { ReportOf, SummaryBody } from '../core/action.ts';
import { formatDuration } from '../core/deadline.ts';
import { formatSize, type SummaryTable } from '../core/summary.ts';
import { LedgerError, type LedgerWriter } from '../ledger/ledger.ts';
import {
  BackupFailedError,
  BackupInProgressError,
  BackupUnknownError,
  CollectionsMissingError,
  type BackupRecord,
  type FinalStatus,
} from './workflow.ts';
import type { Settings } from './settings.ts';
import { DEFAULT_DATABASE } from '../api/ids.ts';

/** Called as soon as the create returns: these outputs survive any later failure. */
export function publishIds(record: BackupRecord): void {
  if (record.backupId) core.setOutput('backupId', record.backupId);
  if (record.backupName) core.setOutput('backupName', record.backupName);
  if (record.jobId) core.setOutput('jobId', record.jobId);
  if (record.database) core.setOutput('database', record.database);
}

/**
 * The status on every ending: set whenever a backup exists or may exist. A backup whose fate the
 * step could not learn (its job turned into an error, an unanswered create) is UNKNOWN.
 */
export function finalStatus(record: BackupRecord): FinalStatus | undefined {
  return record.status ?? (record.backupId || record.mayExist ? 'UNKNOWN' : undefined);
}

export function publishResult(record: BackupRecord): void {
  const status = finalStatus(record);
  if (status) core.setOutput('status', status);
  if (record.size !== undefined) core.setOutput('backupSize', String(record.size));
  if (record.collections) core.setOutput('collections', JSON.stringify(record.collections));
  if (record.manifest) core.setOutput('manifest', JSON.stringify(record.manifest));
}

/** The deploy ledger's outputs, when the ledger is on. */
export function publishLedger(ledger: LedgerWriter | undefined): void {
  if (!ledger?.status) return;
  core.setOutput('ledgerStatus', ledger.status);
  if (ledger.deploymentId !== undefined)
    core.setOutput('deploymentId', String(ledger.deploymentId));
}

/** One or two sentences a user can act on, for every ending. */
export function nextSteps(error: unknown, record: BackupRecord, settings: Settings): string {
  const rerun =
    settings.ifInProgress === 'wait'
      ? 'A re-run waits for it to finish (if-in-progress: wait), then makes a new backup.'
      : 'A re-run fails while it runs (if-in-progress: fail): wait for it to finish first.';
  const running = record.backupId
    ? `Backup ${record.backupId} keeps running in Zilliz Cloud (see the console, Backups). ${rerun}`
    : undefined;
  const moreTime = 'Raise the timeout input for large clusters, or set wait: false.';
  const own = ownAdvice(error, record);
  return nextStepsFor(error, settings, { own, stillRunning: running, moreTime });
}

function ownAdvice(error: unknown, record: BackupRecord): string | undefined {
  if (error instanceof LedgerError) {
    return 'The backup itself is as its status says; only its record on GitHub is missing. Fix what the notice names (the permissions: lines to add), or set ledger-failure: warn to let a ledger problem never fail the deploy.';
  }
  if (error instanceof CollectionsMissingError) {
    return 'Check the collections and database inputs against the cluster (names are case-sensitive); the names it holds are listed above, closest first.';
  }
  if (error instanceof BackupUnknownError) {
    return 'Do not deploy on the strength of this step: find the backup this run made in the Zilliz Cloud console (Backups) by its collections and time, or re-run when no other workflow backs up this cluster.';
  }
  if (error instanceof BackupInProgressError) {
    return 'Wait for the running backup to finish and re-run, or use if-in-progress: wait (the default) to have the action wait for it.';
  }
  if (error instanceof BackupFailedError) {
    return record.status === 'CANCELED'
      ? 'The backup job was cancelled in Zilliz Cloud. Re-run the workflow to make a new backup.'
      : 'Zilliz Cloud did not produce a usable backup. Read the reason above, fix it (quota, cluster state, collections) and re-run; do not deploy without a backup.';
  }
  if (error instanceof ApiError) {
    if (error.code === 80021) {
      return 'Backups exist only for Dedicated clusters; Serverless and Free clusters cannot be backed up through this API.';
    }
    if (COLLECTION_CODES.has(error.code)) {
      return 'Check the collections and database inputs against the cluster (names are case-sensitive).';
    }
  }
  return undefined;
}

/** "whole cluster" or "collections orders, items in database shop": the log and the summary. */
export function describeTarget(settings: Settings): string {
  if (settings.backupType === 'CLUSTER') return 'whole cluster';
  return `collections ${settings.collections.join(', ')} in database ${settings.database ?? DEFAULT_DATABASE}`;
}

export type ReportInput = ReportOf<Settings, BackupRecord>;

/** The one-line verdict: the summary's title and the notice. */
export function headline({ settings, record, error, cancelled }: ReportInput): string {
  const cluster = settings.clusterId;
  if (!record.backupId && record.mayExist) {
    return `A backup of cluster ${cluster} may have been made, but which one is not known: UNKNOWN`;
  }
  if (!record.backupId) {
    return cancelled
      ? `Step cancelled before a backup of cluster ${cluster} was made`
      : `No backup of cluster ${cluster} was made`;
  }
  const what = `backup ${record.backupName || record.backupId} (${record.backupId}) of cluster ${cluster}`;
  if (cancelled) return `Step cancelled: ${what} goes on in Zilliz Cloud`;
  if (record.status === 'STARTED') {
    return `Zilliz Cloud ${what}: STARTED, still running (wait: false, not waited for)`;
  }
  return `Zilliz Cloud ${what}: ${finalStatus(record) ?? (error ? 'FAILED' : 'SUCCESSFUL')}`;
}

/** The job summary: the verdict and one table of what is known. */
export function summarize(input: ReportInput, ledger?: LedgerWriter): SummaryBody {
  const { settings, record, elapsedMs, error } = input;
  const rows: string[][] = [
    ['Cluster', settings.clusterId],
    ['Backup of', `${settings.backupType}: ${describeTarget(settings)}`],
  ];
  if (settings.copyToRegions.length > 0)
    rows.push(['Copies in regions', settings.copyToRegions.join(', ')]);
  rows.push(
    ['Backup id', record.backupId ?? '—'],
    ['Backup name', record.backupName || '—'],
    [
      'Job id',
      record.jobId ??
        (record.adopted
          ? 'unknown (the create reply was lost; backup adopted from the list)'
          : '—'),
    ],
    [
      'Status',
      finalStatus(record) ?? (input.cancelled ? 'step cancelled' : error ? 'not created' : '—'),
    ],
  );
  if (record.candidates.length > 0)
    rows.push(['Backups that may be ours', record.candidates.join(', ')]);
  if (record.collections && record.collections.length > 0) {
    rows.push([
      'Backed-up collections',
      record.collections
        .map((g) => `${g.dbName ? `${g.dbName}: ` : ''}${g.collectionNames.join(', ')}`)
        .join('; '),
    ]);
  }
  if (record.size !== undefined) rows.push(['Size', formatSize(record.size)]);
  if (settings.backupType === 'COLLECTION' && record.seenBefore !== undefined) {
    rows.push([
      'Checked on the cluster',
      record.seenBefore === true
        ? 'every collection existed before the backup'
        : `not verified: ${record.seenBefore}`,
    ]);
  }
  if (record.rowsNotSeen !== undefined) {
    rows.push(['Row counts', `not verified: ${record.rowsNotSeen}`]);
  }
  if (record.waitedFor.length > 0) rows.push(['Waited first for', record.waitedFor.join(', ')]);
  if (ledger?.status) {
    rows.push([
      'Deploy ledger',
      ledger.status === 'RECORDED'
        ? `RECORDED: deployment ${ledger.deploymentId} in ${ledger.environment}`
        : `${ledger.status}: ${ledger.why ?? ''}`,
    ]);
  }
  rows.push(['Time taken', formatDuration(elapsedMs)]);
  const tables: SummaryTable[] = [{ columns: ['Item', 'Value'], rows }];
  if (record.manifest && record.rowsNotSeen === undefined) {
    tables.push({
      heading: 'Collections on the cluster when the backup finished',
      columns: ['Database', 'Collection', 'Rows'],
      rows: record.manifest.map((c) => [
        c.dbName,
        c.collectionName,
        c.rowCount === undefined ? 'unknown' : String(c.rowCount),
      ]),
    });
  }
  const links =
    ledger?.link && ledger.deploymentId !== undefined
      ? [{ label: `Deploy ledger: ${ledger.environment} on GitHub`, url: ledger.link }]
      : [];
  return { status: finalStatus(record), title: headline(input), tables, links };
}
