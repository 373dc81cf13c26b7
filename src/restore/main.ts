// The restore action: settings → client → workflow → report, on the suite's shared harness.
import { clientForRun } from '../api/client.ts';
import { runAction, type ActionRun, type HarnessOptions } from '../core/action.ts';
import { formatDuration } from '../core/deadline.ts';
import { errorMessage } from '../core/errors.ts';
import type { PollInterval } from '../core/schedule.ts';
import { nextSteps, publish, writeReport } from './report.ts';
import { readSettings, type Settings } from './settings.ts';
import { runRestore, type RestoreRecord } from './workflow.ts';

export interface RunOptions extends HarnessOptions {
  /** Replaces the per-request time limit (tests). */
  requestTimeoutMs?: number;
  /** Replaces the polling schedule (tests). */
  interval?: PollInterval;
}

/** "jobs job-a, job-b" or "no restore had been started yet". */
function started(record: RestoreRecord): string {
  const jobs = record.items
    .filter((item) => item.jobId)
    .map((item) => `${item.target} (job ${item.jobId})`);
  if (record.cluster?.clusterId)
    jobs.push(`new cluster ${record.cluster.clusterName} (${record.cluster.clusterId})`);
  return jobs.length > 0 ? `started: ${jobs.join(', ')}` : 'no restore had been started yet';
}

export async function run(options: RunOptions = {}): Promise<void> {
  const record: RestoreRecord = { items: [] };
  await runAction<Settings>(
    {
      readSettings,
      work: async ({ settings, log, deadline, http, addSecret }: ActionRun<Settings>) => {
        const client = clientForRun({ settings, deadline, log, http }, options.requestTimeoutMs);
        log.info(
          `Restoring backup ${settings.backupId} of cluster ${settings.clusterId} ` +
            `(timeout ${formatDuration(settings.timeoutMs)}, wait ${settings.wait}) via ${settings.baseUrl}`,
        );
        await runRestore({
          client,
          settings,
          deadline,
          log,
          record,
          addSecret,
          onChange: publish,
          interval: options.interval,
        });
      },
      stopped: (reason, { settings, log }) => {
        const ids = started(record);
        if (reason === 'cancelled') {
          log.info(
            `The runner stopped the step: ${ids}.${ids.startsWith('started') ? ' What was started goes on in Zilliz Cloud.' : ''}`,
          );
          return new Error(`The step was cancelled: ${ids}`);
        }
        record.status ??= 'TIMED_OUT';
        return new Error(
          `The step outlived its ${formatDuration(settings.timeoutMs)} timeout and was stopped: ${ids}`,
        );
      },
      report: async ({ settings, log }, { error, cancelled, elapsedMs }) => {
        publish(record);
        await writeReport({ settings, record, elapsedMs, error, cancelled }, log);
      },
      failure: ({ settings }, { error }) =>
        `${errorMessage(error)}\n${nextSteps(error, record, settings)}`,
    },
    options,
  );
}
