// Wires the pieces together: settings → client → workflow → report. No logic of its own beyond
// making sure that every way out (success, failure, cancellation, watchdog) reports once.
import * as core from '@actions/core';
import type { Dispatcher } from 'undici';
import pkg from '../package.json' with { type: 'json' };
import { runBackup, type BackupRecord } from './backup.ts';
import { ZillizClient } from './client.ts';
import { Deadline, formatDuration } from './deadline.ts';
import { errorMessage } from './errors.ts';
import { createDispatcher } from './http.ts';
import { guardProcess, type StopReason } from './lifecycle.ts';
import { createLog } from './log.ts';
import { createRedactor } from './redact.ts';
import { describeTarget, nextSteps, publishIds, publishResult, writeReport } from './report.ts';
import type { PollInterval } from './schedule.ts';
import { readSettings, type Settings } from './settings.ts';

export const USER_AGENT = `zilliz-backup-action/${pkg.version} (node ${process.version})`;

export interface RunOptions {
  /** Replaces the proxy-aware connection pool (tests). */
  dispatcher?: Dispatcher;
  /** Replaces the per-request time limit (tests). */
  requestTimeoutMs?: number;
  /** Replaces the polling schedule (tests). */
  interval?: PollInterval;
  /** Replaces process.exit for cancellation and the watchdog (tests). */
  exit?: (code: number) => void;
}

export async function run(options: RunOptions = {}): Promise<void> {
  const startedAt = Date.now();
  let settings: Settings;
  try {
    settings = readSettings();
  } catch (error) {
    core.setFailed(errorMessage(error));
    return;
  }

  const log = createLog(createRedactor(settings.apiKey));
  const deadline = new Deadline(settings.timeoutMs, startedAt);
  const record: BackupRecord = { adopted: false, waitedFor: [] };
  let dispatcher: Dispatcher;
  try {
    dispatcher = options.dispatcher ?? createDispatcher(settings.baseUrl, log);
  } catch (error) {
    core.setFailed(log.redact(errorMessage(error)));
    return;
  }
  const client = new ZillizClient({
    baseUrl: settings.baseUrl,
    apiKey: settings.apiKey,
    deadline,
    log,
    dispatcher,
    userAgent: USER_AGENT,
    requestTimeoutMs: options.requestTimeoutMs,
  });

  let reported = false;
  const finish = async (error?: unknown, cancelled = false): Promise<void> => {
    if (reported) return;
    reported = true;
    publishResult(record);
    try {
      await writeReport(
        { settings, record, elapsedMs: Date.now() - startedAt, error, cancelled },
        log,
      );
    } catch (summaryError) {
      log.warning(`Could not write the job summary: ${errorMessage(summaryError)}`);
    }
    if (error !== undefined || cancelled) {
      core.setFailed(log.redact(`${errorMessage(error)}\n${nextSteps(error, record, settings)}`));
    }
  };

  const onStop = async (reason: StopReason): Promise<void> => {
    const ids = record.backupId
      ? `backup ${record.backupName} (${record.backupId}), job ${record.jobId ?? 'unknown'}`
      : 'no backup had been created yet';
    if (reason === 'cancelled') {
      log.info(
        `The runner stopped the step: ${ids}.${record.backupId ? ' The backup goes on in Zilliz Cloud.' : ''}`,
      );
      if (record.backupId && !record.status) record.status = 'STARTED';
      await finish(new Error(`The step was cancelled: ${ids}`), true);
    } else {
      if (!record.status && record.backupId) record.status = 'TIMED_OUT';
      await finish(
        new Error(
          `The step outlived its ${formatDuration(settings.timeoutMs)} timeout and was stopped: ${ids}`,
        ),
      );
    }
  };
  const release = guardProcess({ deadline, onStop, exit: options.exit });

  log.info(
    `Backing up cluster ${settings.clusterId}: ${describeTarget(settings)} ` +
      `(timeout ${formatDuration(settings.timeoutMs)}, ` +
      `wait ${settings.wait}, if-in-progress ${settings.ifInProgress}) via ${settings.baseUrl}`,
  );
  try {
    await runBackup({
      client,
      settings,
      deadline,
      log,
      record,
      onCreated: publishIds,
      interval: options.interval,
    });
    await finish();
  } catch (error) {
    await finish(error);
  } finally {
    release();
    // Our own pool is destroyed (not closed): a hung request must not hold the process.
    if (!options.dispatcher) await dispatcher.destroy().catch(() => undefined);
  }
}
