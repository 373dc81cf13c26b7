// The backup action: settings → client → workflow → report, on the suite's shared harness.
import { clientForRun } from '../api/client.ts';
import { runAction, type ActionRun, type HarnessOptions } from '../core/action.ts';
import { formatDuration } from '../core/deadline.ts';
import { errorMessage } from '../core/errors.ts';
import type { PollInterval } from '../core/schedule.ts';
import { describeTarget, nextSteps, publishIds, publishResult, writeReport } from './report.ts';
import { readSettings, type Settings } from './settings.ts';
import { newRecord, runBackup, type BackupRecord } from './workflow.ts';

export interface RunOptions extends HarnessOptions {
  /** Replaces the per-request time limit (tests). */
  requestTimeoutMs?: number;
  /** Replaces the polling schedule (tests). */
  interval?: PollInterval;
}

export async function run(options: RunOptions = {}): Promise<void> {
  const record: BackupRecord = newRecord();
  await runAction<Settings>(
    {
      readSettings,
      work: async ({ settings, log, deadline, http }: ActionRun<Settings>) => {
        const client = clientForRun({ settings, deadline, log, http }, options.requestTimeoutMs);
        log.info(
          `Backing up cluster ${settings.clusterId}: ${describeTarget(settings)} ` +
            `(timeout ${formatDuration(settings.timeoutMs)}, ` +
            `wait ${settings.wait}, if-in-progress ${settings.ifInProgress}) via ${settings.baseUrl}`,
        );
        await runBackup({
          client,
          settings,
          deadline,
          log,
          record,
          onCreated: publishIds,
          interval: options.interval,
        });
      },
      stopped: (reason, { settings, log }) => {
        const ids = record.backupId
          ? `backup ${record.backupName ?? ''} (${record.backupId}), job ${record.jobId ?? 'unknown'}`
          : record.mayExist
            ? 'a create request had been sent and not answered, so a backup may exist: look for it in the Zilliz Cloud console before running this again'
            : 'no backup had been created yet';
        if (reason === 'cancelled') {
          log.info(
            `The runner stopped the step: ${ids}.${record.backupId ? ' The backup goes on in Zilliz Cloud.' : ''}`,
          );
          if (record.backupId && !record.status) record.status = 'STARTED';
          return new Error(`The step was cancelled: ${ids}`);
        }
        if (!record.status && record.backupId) record.status = 'TIMED_OUT';
        return new Error(
          `The step outlived its ${formatDuration(settings.timeoutMs)} timeout and was stopped: ${ids}`,
        );
      },
      report: async ({ settings, log }, { error, cancelled, elapsedMs }) => {
        publishResult(record);
        await writeReport({ settings, record, elapsedMs, error, cancelled }, log);
      },
      failure: ({ settings }, { error }) =>
        `${errorMessage(error)}\n${nextSteps(error, record, settings)}`,
    },
    options,
  );
}
