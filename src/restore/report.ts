// What the user sees: step outputs (ids the moment they are known, status at the end), the job
// summary (source → target, job, status, duration; or the new cluster), a notice, and on failure
// what to do next. The new cluster's password goes to its output only: never to the log, the
// summary or an annotation.
import * as core from '@actions/core';
import { nextStepsFor } from '../api/advice.ts';
import { ApiError } from '../api/errors.ts';
import type { ReportOf, SummaryBody } from '../core/action.ts';
import { formatDuration } from '../core/deadline.ts';
import { statusIcon, type SummaryTable } from '../core/summary.ts';
import { count } from '../core/words.ts';
import { ledgerEnvironment, LedgerError } from '../ledger/ledger.ts';
import type { Settings } from './settings.ts';
import {
  BackupNotRestorableError,
  NotOnClusterError,
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
    ...(item.seen === undefined ? {} : { verified: item.seen === true ? 'yes' : 'no' }),
    ...(item.rowCount === undefined ? {} : { rowCount: String(item.rowCount) }),
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

/** Has any restore job or new cluster been started? */
export function hasStarted(record: RestoreRecord): boolean {
  return record.items.some((item) => item.jobId) || !!record.cluster?.clusterId;
}

/** What keeps going in Zilliz Cloud when the step ends early. */
function stillRunning(record: RestoreRecord): string | undefined {
  return hasStarted(record)
    ? 'Restores already started go on in Zilliz Cloud: follow their jobs in the console.'
    : undefined;
}

/** One or two sentences a user can act on, for every ending. */
export function nextSteps(error: unknown, record: RestoreRecord, settings: Settings): string {
  const moreTime = 'Raise the timeout input for large backups.';
  const own = ownAdvice(error, record);
  return nextStepsFor(error, settings, {
    own,
    stillRunning: stillRunning(record),
    moreTime,
    refused: (code) =>
      `Zilliz Cloud refused the request (code ${code}). Check backup-id, the target inputs and the key's role; quote the request id when contacting support.`,
  });
}

function ownAdvice(error: unknown, record: RestoreRecord): string | undefined {
  if (error instanceof LedgerError) {
    return 'Fix what the message names (the permissions: lines, the ledger environment, the commit), or restore by backup-id: the backup ids of past deploys are also in the Zilliz Cloud console.';
  }
  if (error instanceof NotOnClusterError) {
    return record.cluster
      ? 'Check the new cluster in the Zilliz Cloud console before pointing anything at it; restore again into another new cluster if collections are missing, and delete the incomplete one.'
      : 'Look in the Zilliz Cloud console at what the restore made (named above) before anything else: rename or drop what appeared under the wrong name, and report the request body to Zilliz support if the service ignored the target name.';
  }
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
  if (error instanceof RestoreFailedError) {
    return 'Read the reason above and fix it; collections already restored stay in place. Re-run with collections set to the ones not restored yet.';
  }
  if (error instanceof ApiError && error.code === 90001 && record.items.length > 0) {
    const database = record.items[0]?.database;
    return `Zilliz Cloud does not find the collection in database ${database} of the backup. When Describe backup does not name the backup's database, it is taken to be default: set the database input to the one the backup was made from.`;
  }
  return undefined;
}

/** What to do once the restore succeeded. */
export function afterSuccess(record: RestoreRecord): string {
  if (record.cluster) {
    const endpoint = record.cluster.connectAddress ? ` (${record.cluster.connectAddress})` : '';
    return `Point the application at the new cluster's endpoint${endpoint}, with the db_admin credentials from the username and password outputs, once you have checked its data.`;
  }
  return 'Check the restored collections, then switch the application to them (an alias or a configuration value), and drop what they replace when you are sure.';
}

export type ReportInput = ReportOf<Settings, RestoreRecord>;

export function headline({ settings, record, error, cancelled }: ReportInput): string {
  const backup = settings.backupId
    ? `backup ${settings.backupId} of cluster ${settings.clusterId}`
    : `the ledger's backup (${settings.from}) of cluster ${settings.clusterId}`;
  if (cancelled) return `Step cancelled while restoring ${backup}`;
  const status = record.status ?? (error ? 'FAILED' : 'SUCCESSFUL');
  if (record.cluster?.clusterId) {
    return `Restore of ${backup} into new cluster ${record.cluster.clusterName} (${record.cluster.clusterId}): ${status}`;
  }
  return `Restore of ${backup}: ${status}`;
}

const duration = (ms: number | undefined): string => (ms === undefined ? '—' : formatDuration(ms));

/** "80000 rows" seen on the cluster, "not verified: …", or "—" before any check. */
function onClusterCell(
  seen: true | string | undefined,
  rows?: number,
  backupRows?: number,
): string {
  if (seen === undefined) return '—';
  if (seen !== true) return `not verified: ${seen}`;
  if (rows === undefined) return 'there';
  return `${count(rows, 'row')}${backupRows === undefined ? '' : ` (backup: ${backupRows})`}`;
}

/** "❌ FAILED: quota exceeded" */
function statusCell(status: string, reason: string | undefined): string {
  return `${statusIcon(status)} ${status}${reason ? `: ${reason}` : ''}`;
}

/** The job summary: the verdict, then the new cluster or one row per collection. */
export function summarize(input: ReportInput): SummaryBody {
  const { record, elapsedMs } = input;
  const tables: SummaryTable[] = [];
  const notes: string[] = [];
  if (record.cluster) {
    const c = record.cluster;
    tables.push({
      columns: [
        'Source cluster',
        'New cluster',
        'Cluster id',
        'Job',
        'Status',
        'Duration',
        'On the cluster',
      ],
      rows: [
        [
          input.settings.clusterId,
          c.clusterName,
          c.clusterId ?? '—',
          c.jobId ?? (c.adopted ? 'unknown (reply lost; cluster found by name)' : '—'),
          statusCell(c.status, c.reason),
          duration(c.durationMs),
          c.seen === true ? 'every collection of the backup' : onClusterCell(c.seen),
        ],
      ],
    });
    if (c.connectAddress) notes.push(`Endpoint: ${c.connectAddress}`);
  } else if (record.items.length > 0) {
    tables.push({
      columns: [
        'Source → target',
        'Database',
        'Cluster',
        'Job',
        'Status',
        'Duration',
        'On the cluster',
      ],
      rows: record.items.map((item) => [
        `${item.source} → ${item.target}`,
        item.database === item.targetDatabase
          ? item.database
          : `${item.database} → ${item.targetDatabase}`,
        item.targetClusterId,
        item.jobId ?? '—',
        statusCell(item.status, item.reason),
        duration(item.durationMs),
        onClusterCell(item.seen, item.rowCount, item.backupRowCount),
      ]),
    });
  }
  if (record.entry) {
    const e = record.entry;
    notes.push(
      `From the deploy ledger: deployment ${e.id} (commit ${e.sha}, ${e.createdAt}) in ${ledgerEnvironment(e.payload.deploy.environment)}, backup ${e.payload.backupId}`,
    );
  }
  notes.push(`Time taken: ${formatDuration(elapsedMs)}`);
  return { status: record.status, title: headline(input), tables, notes };
}
