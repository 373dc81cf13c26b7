// What the user sees: step outputs (ids the moment they are known, status at the end), the job
// summary, a notice naming the backup, and on failure what to do next.
import * as core from '@actions/core';
import { commonAdvice } from '../api/advice.ts';
import { ApiError, HttpStatusError, NetworkError } from '../api/errors.ts';
import { DeadlineExceededError, formatDuration } from '../core/deadline.ts';
import { errorMessage } from '../core/errors.ts';
import type { Log } from '../core/log.ts';
import { escapeHtml, formatSize } from '../core/summary.ts';
import { BackupFailedError, BackupInProgressError, type BackupRecord } from './workflow.ts';
import type { Settings } from './settings.ts';

/** Called as soon as the create returns: these outputs survive any later failure. */
export function publishIds(record: BackupRecord): void {
  if (record.backupId) core.setOutput('backupId', record.backupId);
  if (record.backupName) core.setOutput('backupName', record.backupName);
  if (record.jobId) core.setOutput('jobId', record.jobId);
}

export function publishResult(record: BackupRecord): void {
  if (record.status) core.setOutput('status', record.status);
  if (record.size !== undefined) core.setOutput('backupSize', String(record.size));
}

/** One or two sentences a user can act on, for the failures people actually meet. */
export function nextSteps(error: unknown, record: BackupRecord, settings: Settings): string {
  const rerun =
    settings.ifInProgress === 'wait'
      ? 'A re-run waits for it to finish (if-in-progress: wait), then makes a new backup.'
      : 'A re-run fails while it runs (if-in-progress: fail): wait for it to finish first.';
  const running = record.backupId
    ? ` Backup ${record.backupId} keeps running in Zilliz Cloud (see the console, Backups). ${rerun}`
    : '';
  if (error instanceof DeadlineExceededError) {
    return `The step ran out of its ${formatDuration(settings.timeoutMs)} timeout.${running} Raise the timeout input for large clusters, or set wait: false.`;
  }
  if (error instanceof BackupInProgressError) {
    return 'Wait for the running backup to finish and re-run, or use if-in-progress: wait (the default) to have the action wait for it.';
  }
  if (error instanceof BackupFailedError) {
    return record.status === 'CANCELED'
      ? 'The backup job was cancelled in Zilliz Cloud. Re-run the workflow to make a new backup.'
      : 'Zilliz Cloud could not complete the backup. Read the reason above, fix it (quota, cluster state) and re-run; do not deploy without a backup.';
  }
  if (error instanceof ApiError) {
    const common = commonAdvice(error, settings);
    if (common) return common;
    if (error.code === 80021) {
      return 'Backups exist only for Dedicated clusters; Serverless and Free clusters cannot be backed up through this API.';
    }
    if (error.code === 90001 || error.code === 90011) {
      return 'Check the collections and database inputs against the cluster (names are case-sensitive).';
    }
    return `Zilliz Cloud refused the request (code ${error.code}). Quote the request id when contacting support.`;
  }
  if (error instanceof HttpStatusError || error instanceof NetworkError) {
    return `${commonAdvice(error, settings)}${running}`;
  }
  return `See the error above.${running}`;
}

function statusIcon(status: string | undefined): string {
  if (status === 'SUCCESSFUL') return '✅';
  if (status === 'STARTED') return '🚀';
  if (status === 'TIMED_OUT') return '⏱️';
  return '❌';
}

export interface ReportInput {
  settings: Settings;
  record: BackupRecord;
  elapsedMs: number;
  /** The failure, if any. */
  error?: unknown;
  /** Set when the runner stopped the step. */
  cancelled?: boolean;
}

/** "whole cluster" or "collections orders, items in database shop": the log and the summary. */
export function describeTarget(settings: Settings): string {
  if (settings.backupType === 'CLUSTER') return 'whole cluster';
  return `collections ${settings.collections.join(', ')} in database ${settings.database ?? 'default'}`;
}

/** The one-line verdict, also used for the notice. */
export function headline({ settings, record, error, cancelled }: ReportInput): string {
  const cluster = settings.clusterId;
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
  return `Zilliz Cloud ${what}: ${record.status ?? (error ? 'FAILED' : 'SUCCESSFUL')}`;
}

/** Writes the job summary (when the runner provides one) and the notice annotation. */
export async function writeReport(input: ReportInput, log: Log): Promise<void> {
  const { settings, record, elapsedMs, error } = input;
  const title = headline(input);
  if (record.backupId && !error) core.notice(log.redact(title), { title: 'Zilliz Cloud backup' });

  const rows: [string, string][] = [
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
    ['Status', record.status ?? (input.cancelled ? 'step cancelled' : error ? 'not created' : '—')],
  );
  if (record.size !== undefined) rows.push(['Size', formatSize(record.size)]);
  if (record.waitedFor.length > 0) rows.push(['Waited first for', record.waitedFor.join(', ')]);
  rows.push(['Time taken', formatDuration(elapsedMs)]);

  if (!process.env.GITHUB_STEP_SUMMARY) return;
  // Summary cells are HTML, and may quote the server: redact, then escape.
  const safe = (text: string): string => escapeHtml(log.redact(text));
  const summary = core.summary
    .addHeading(`${statusIcon(record.status)} ${safe(title)}`, 3)
    .addTable([
      [
        { data: 'Item', header: true },
        { data: 'Value', header: true },
      ],
      ...rows.map(([key, value]) => [key, safe(value)]),
    ]);
  if (error || input.cancelled) {
    summary
      .addHeading('What happened', 4)
      .addRaw(
        safe(error === undefined ? 'The runner stopped the step.' : errorMessage(error)),
        true,
      )
      .addHeading('What to do next', 4)
      .addRaw(safe(nextSteps(error, record, settings)), true);
  }
  await summary.write();
}
