// What the user sees: step outputs (ids the moment they are known, status at the end), the job
// summary (source → target, job, status, duration; or the new cluster), a notice, and on failure
// what to do next. The new cluster's password goes to its output only: never to the log, the
// summary or an annotation.
import * as core from '@actions/core';
import { commonAdvice } from '../api/advice.ts';
import { ApiError } from '../api/errors.ts';
import { DeadlineExceededError, formatDuration } from '../core/deadline.ts';
import { errorMessage } from '../core/errors.ts';
import { InputError } from '../core/inputs.ts';
import type { Log } from '../core/log.ts';
import { addClosingSections, escapeText } from '../core/summary.ts';
import type { Settings } from './settings.ts';
import {
  BackupNotRestorableError,
  OutcomeUnknownError,
  RestoreFailedError,
  TargetExistsError,
  type RestoreRecord,
} from './workflow.ts';

/** Every job id known so far, in order. */
export function jobIds(record: RestoreRecord): string[] {
  const ids = record.items.map((item) => item.jobId);
  if (record.cluster) ids.push(record.cluster.jobId);
  return ids.filter((id): id is string => id !== undefined);
}

/** The `restored` output: one entry per collection, or the new cluster. */
export function restoredList(record: RestoreRecord): Record<string, string | null>[] {
  if (record.cluster) {
    const { clusterId, clusterName, jobId, status } = record.cluster;
    return [{ clusterId: clusterId ?? null, clusterName, jobId: jobId ?? null, status }];
  }
  return record.items.map((item) => ({
    database: item.targetDatabase,
    source: item.source,
    target: item.target,
    jobId: item.jobId ?? null,
    status: item.status,
  }));
}

/** Called whenever something is learnt: these outputs survive any later failure. */
export function publish(record: RestoreRecord): void {
  const ids = jobIds(record);
  if (ids.length > 0) core.setOutput('jobIds', JSON.stringify(ids));
  if (record.items.length > 0 || record.cluster?.clusterId) {
    core.setOutput('restored', JSON.stringify(restoredList(record)));
  }
  const cluster = record.cluster;
  if (cluster?.clusterId) core.setOutput('clusterId', cluster.clusterId);
  if (cluster?.username) core.setOutput('username', cluster.username);
  // Registered as a secret the moment the reply arrived (see the workflow).
  if (cluster?.password) core.setOutput('password', cluster.password);
  if (record.status) core.setOutput('status', record.status);
}

/** One or two sentences a user can act on. */
export function nextSteps(error: unknown, record: RestoreRecord, settings: Settings): string {
  if (error instanceof InputError) return 'Fix the inputs named above and re-run.';
  if (error instanceof BackupNotRestorableError) {
    return "Pick an AVAILABLE backup of this cluster (the backup action's backupId output, or the Backups page of the Zilliz Cloud console) and re-run.";
  }
  if (error instanceof TargetExistsError) {
    return record.cluster
      ? 'Choose another cluster-name, or delete the existing cluster if it is an earlier restore you no longer need.'
      : 'Restore under new names (the default suffix _restored, another suffix, or rename), then switch the application to them.';
  }
  if (error instanceof OutcomeUnknownError) {
    return 'Check the target named above in the Zilliz Cloud console before re-running: a second restore into the same target would be refused or duplicate the work.';
  }
  const started = record.items.some((item) => item.jobId) || record.cluster?.clusterId;
  if (error instanceof DeadlineExceededError) {
    return `The step ran out of its ${formatDuration(settings.timeoutMs)} timeout.${started ? ' Restores already started go on in Zilliz Cloud: follow their jobs in the console.' : ''} Raise the timeout input for large backups.`;
  }
  if (error instanceof RestoreFailedError) {
    return 'Read the reason above and fix it; collections already restored stay in place. Re-run with collections set to the ones not restored yet.';
  }
  const common = commonAdvice(error, settings);
  if (common) return common;
  if (error instanceof ApiError && error.code === 90001 && record.items.length > 0) {
    const database = record.items[0]?.database;
    return `Zilliz Cloud does not find the collection in database ${database} of the backup. When Describe backup does not name the backup's database, it is taken to be default: set the database input to the one the backup was made from.`;
  }
  if (error instanceof ApiError) {
    return `Zilliz Cloud refused the request (code ${error.code}). Check backup-id, the target inputs and the key's role; quote the request id when contacting support.`;
  }
  return 'See the error above.';
}

/** What to do once the restore succeeded. */
export function afterSuccess(record: RestoreRecord): string {
  if (record.cluster) {
    const endpoint = record.cluster.connectAddress ? ` (${record.cluster.connectAddress})` : '';
    return `Point the application at the new cluster's endpoint${endpoint}, with the db_admin credentials from the username and password outputs, once you have checked its data.`;
  }
  return 'Check the restored collections, then switch the application to them (an alias or a configuration value), and drop what they replace when you are sure.';
}

export interface ReportInput {
  settings: Settings;
  record: RestoreRecord;
  elapsedMs: number;
  error?: unknown;
  cancelled?: boolean;
}

export function headline({ settings, record, error, cancelled }: ReportInput): string {
  const backup = `backup ${settings.backupId} of cluster ${settings.clusterId}`;
  if (cancelled) return `Step cancelled while restoring ${backup}`;
  const status = record.status ?? (error ? 'FAILED' : 'SUCCESSFUL');
  if (record.cluster?.clusterId) {
    return `Restore of ${backup} into new cluster ${record.cluster.clusterName} (${record.cluster.clusterId}): ${status}`;
  }
  return `Restore of ${backup}: ${status}`;
}

function statusIcon(status: string | undefined): string {
  if (status === 'SUCCESSFUL') return '✅';
  if (status === 'STARTED') return '🚀';
  if (status === 'TIMED_OUT') return '⏱️';
  if (status === 'UNKNOWN' || status === 'NOT_STARTED') return '❔';
  return '❌';
}

const duration = (ms: number | undefined): string => (ms === undefined ? '—' : formatDuration(ms));

/** Writes the job summary (when the runner provides one) and the notice annotation. */
export async function writeReport(input: ReportInput, log: Log): Promise<void> {
  const { record, elapsedMs, error, cancelled } = input;
  const title = headline(input);
  if (!error && !cancelled) log.notice(title, 'Zilliz Cloud restore');
  if (!process.env.GITHUB_STEP_SUMMARY) return;
  // Summary cells are HTML and may quote the server: redact, then escape.
  const safe = (text: string): string => escapeText(log.redact(text));
  const header = (cells: string[]) => cells.map((data) => ({ data, header: true }));
  const summary = core.summary.addHeading(`${statusIcon(record.status)} ${safe(title)}`, 3);

  if (record.cluster) {
    const c = record.cluster;
    summary.addTable([
      header(['Source cluster', 'New cluster', 'Cluster id', 'Job', 'Status', 'Duration']),
      [
        safe(input.settings.clusterId),
        safe(c.clusterName),
        safe(c.clusterId ?? '—'),
        safe(c.jobId ?? (c.adopted ? 'unknown (reply lost; cluster found by name)' : '—')),
        `${statusIcon(c.status)} ${safe(c.status)}${c.reason ? `: ${safe(c.reason)}` : ''}`,
        duration(c.durationMs),
      ],
    ]);
    if (c.connectAddress) summary.addRaw(`Endpoint: <code>${safe(c.connectAddress)}</code>`, true);
  } else if (record.items.length > 0) {
    summary.addTable([
      header(['Source → target', 'Database', 'Cluster', 'Job', 'Status', 'Duration']),
      ...record.items.map((item) => [
        safe(`${item.source} → ${item.target}`),
        safe(
          item.database === item.targetDatabase
            ? item.database
            : `${item.database} → ${item.targetDatabase}`,
        ),
        safe(item.targetClusterId),
        safe(item.jobId ?? '—'),
        `${statusIcon(item.status)} ${safe(item.status)}${item.reason ? `: ${safe(item.reason)}` : ''}`,
        duration(item.durationMs),
      ]),
    ]);
  }
  summary.addRaw(`Time taken: ${formatDuration(elapsedMs)}`, true);
  addClosingSections(
    summary,
    log.redact,
    error !== undefined || cancelled
      ? {
          happened: error === undefined ? 'The runner stopped the step.' : errorMessage(error),
          next: nextSteps(error, record, input.settings),
        }
      : { next: afterSuccess(record) },
  );
  await summary.write();
}
