// The restore action: settings → client → workflow → report, on the suite's shared harness.
import { withClient } from '../api/client.ts';
import { runAction, type ActionDefinition, type HarnessOptions } from '../core/action.ts';
import { formatDuration } from '../core/deadline.ts';
import { stoppedError } from '../core/lifecycle.ts';
import type { PollInterval } from '../core/schedule.ts';
import { chooseEntry, settingsFromEntry } from './ledger.ts';
import { afterSuccess, hasStarted, nextSteps, publish, summarize } from './report.ts';
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

/** The restore action as the harness runs it (a fresh record each time). */
export function restoreAction(options: RunOptions = {}): ActionDefinition<Settings> {
  const record: RestoreRecord = { items: [] };
  return {
    title: 'Zilliz Cloud restore',
    readSettings,
    intro: (settings) =>
      `Restoring ${settings.backupId ? `backup ${settings.backupId}` : `the backup the deploy ledger names (from ${settings.from}, ledger ${settings.ledger})`} ` +
      `of cluster ${settings.clusterId} (timeout ${formatDuration(settings.timeoutMs)}, wait ${settings.wait}) via ${settings.baseUrl}`,
    work: async (run) => {
      const { settings } = run;
      if (settings.from !== undefined) {
        // Before anything else: the entry, said in the log; it completes the settings (the
        // report reads them too).
        record.entry = await chooseEntry(settings, run);
        Object.assign(settings, settingsFromEntry(settings, record.entry));
      }
      await withClient(run, options.requestTimeoutMs, (client, onCluster) =>
        runRestore({
          client,
          settings,
          deadline: run.deadline,
          log: run.log,
          record,
          addSecret: run.addSecret,
          onChange: publish,
          onCluster,
          interval: options.interval,
        }),
      );
    },
    stopped: (reason, { settings, log }) => {
      const ids = started(record);
      if (reason === 'cancelled') {
        log.info(
          `The runner stopped the step: ${ids}.${hasStarted(record) ? ' What was started goes on in Zilliz Cloud.' : ''}`,
        );
      } else {
        record.status ??= 'TIMED_OUT';
      }
      return stoppedError(reason, settings.timeoutMs, ids);
    },
    publish: () => publish(record),
    summarize: ({ settings }, ending) => summarize({ settings, record, ...ending }),
    nextSteps: ({ settings }, { error }) => nextSteps(error, record, settings),
    afterSuccess: () => afterSuccess(record),
  };
}

export function run(options: RunOptions = {}): Promise<void> {
  return runAction(restoreAction(options), options);
}
