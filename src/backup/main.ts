// The backup action: settings → client → workflow → report, on the suite's shared harness.
import { withClient } from '../api/client.ts';
import { runAction, type ActionDefinition, type HarnessOptions } from '../core/action.ts';
import { DeadlineExceededError, formatDuration } from '../core/deadline.ts';
import { stoppedError } from '../core/lifecycle.ts';
import type { PollInterval } from '../core/schedule.ts';
import { LedgerWriter } from '../ledger/ledger.ts';
import { entryPayload, ledgerState } from './ledger.ts';
import {
  describeTarget,
  finalStatus,
  publishLedger,
  nextSteps,
  publishIds,
  publishResult,
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

/** How long the ledger's final status may take when the step is being stopped. */
const STOPPING_LEDGER_MS = 2_000;

/** The backup action as the harness runs it (a fresh record each time). */
export function backupAction(options: RunOptions = {}): ActionDefinition<Settings> {
  const record: BackupRecord = newRecord();
  let ledger: LedgerWriter | undefined;
  return {
    title: 'Zilliz Cloud backup',
    readSettings,
    intro: (settings) =>
      `Backing up cluster ${settings.clusterId}: ${describeTarget(settings)} ` +
      `(timeout ${formatDuration(settings.timeoutMs)}, ` +
      `wait ${settings.wait}, if-in-progress ${settings.ifInProgress}) via ${settings.baseUrl}`,
    work: async (run) => {
      const { settings } = run;
      if (settings.ledger) {
        // Decided before any GitHub call; a skip is said, and kept for the outputs.
        ledger = new LedgerWriter(settings, run);
        ledger.prepare();
      }
      await withClient(run, options.requestTimeoutMs, (client, onCluster) =>
        runBackup({
          client,
          settings,
          deadline: run.deadline,
          log: run.log,
          record,
          onCreated: publishIds,
          afterCreate: async () => ledger?.record(entryPayload(settings, record)),
          onCluster,
          interval: options.interval,
        }),
      );
    },
    stopped: (reason, { settings, log }) => {
      const ids = knownSoFar(record);
      if (reason === 'cancelled') {
        log.info(
          `The runner stopped the step: ${ids}.${record.backupId ? ' The backup goes on in Zilliz Cloud.' : ''}`,
        );
        if (record.backupId && !record.status) record.status = 'STARTED';
      } else if (!record.status && record.backupId) {
        record.status = 'TIMED_OUT';
      }
      return stoppedError(reason, settings.timeoutMs, ids);
    },
    settle: async (_run, { error, cancelled }) => {
      const final = ledgerState(finalStatus(record));
      if (!ledger || !final) return ledger?.failure;
      const stopping = cancelled || error instanceof DeadlineExceededError;
      await ledger.finish(final.state, final.text, stopping ? STOPPING_LEDGER_MS : undefined);
      return ledger.failure;
    },
    publish: () => {
      publishResult(record);
      publishLedger(ledger);
    },
    summarize: ({ settings }, ending) => summarize({ settings, record, ...ending }, ledger),
    nextSteps: ({ settings }, { error }) => nextSteps(error, record, settings),
  };
}

export function run(options: RunOptions = {}): Promise<void> {
  return runAction(backupAction(options), options);
}
