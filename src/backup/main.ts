// The backup action: settings → client → workflow → report, on the suite's shared harness.
import { clientForRun, onClusterForRun } from '../api/client.ts';
import { runAction, type ActionDefinition, type HarnessOptions } from '../core/action.ts';
import { DeadlineExceededError, formatDuration } from '../core/deadline.ts';
import { StepCancelledError } from '../core/lifecycle.ts';
import type { PollInterval } from '../core/schedule.ts';
import {
  describeTarget,
  nextSteps,
  publishIds,
  publishResult,
  reportInput,
  summarize,
} from './report.ts';
import { readSettings, type Settings } from './settings.ts';
import { newRecord, runBackup, type BackupRecord } from './workflow.ts';

export interface RunOptions extends HarnessOptions {
  /** Replaces the per-request time limit (tests). */
  requestTimeoutMs?: number;
  /** Replaces the polling schedule (tests). */
  interval?: PollInterval;
}

/** What is known of the backup when the step is stopped from outside. */
function knownSoFar(record: BackupRecord): string {
  if (record.backupId) {
    return `backup ${record.backupName ?? ''} (${record.backupId}), job ${record.jobId ?? 'unknown'}`;
  }
  return record.mayExist
    ? 'a create request had been sent and not answered, so a backup may exist: look for it in the Zilliz Cloud console before running this again'
    : 'no backup had been created yet';
}

/** The backup action as the harness runs it (a fresh record each time). */
export function backupAction(options: RunOptions = {}): ActionDefinition<Settings> {
  const record: BackupRecord = newRecord();
  return {
    title: 'Zilliz Cloud backup',
    readSettings,
    work: async (run) => {
      const { settings, log } = run;
      log.info(
        `Backing up cluster ${settings.clusterId}: ${describeTarget(settings)} ` +
          `(timeout ${formatDuration(settings.timeoutMs)}, ` +
          `wait ${settings.wait}, if-in-progress ${settings.ifInProgress}) via ${settings.baseUrl}`,
      );
      const client = clientForRun(run, options.requestTimeoutMs);
      const onCluster = onClusterForRun(run, client);
      try {
        await runBackup({
          client,
          settings,
          deadline: run.deadline,
          log,
          record,
          onCreated: publishIds,
          onCluster,
          interval: options.interval,
        });
      } finally {
        onCluster.close();
      }
    },
    stopped: (reason, { settings, log }) => {
      const ids = knownSoFar(record);
      if (reason === 'cancelled') {
        log.info(
          `The runner stopped the step: ${ids}.${record.backupId ? ' The backup goes on in Zilliz Cloud.' : ''}`,
        );
        if (record.backupId && !record.status) record.status = 'STARTED';
        return new StepCancelledError(`The step was cancelled: ${ids}`);
      }
      if (!record.status && record.backupId) record.status = 'TIMED_OUT';
      return new DeadlineExceededError(
        `The step outlived its ${formatDuration(settings.timeoutMs)} timeout and was stopped: ${ids}`,
      );
    },
    publish: () => publishResult(record),
    summarize: ({ settings }, ending) => summarize(reportInput(settings, record, ending)),
    nextSteps: ({ settings }, { error, cancelled }) =>
      error !== undefined || cancelled ? nextSteps(error, record, settings) : undefined,
  };
}

export function run(options: RunOptions = {}): Promise<void> {
  return runAction(backupAction(options), options);
}
