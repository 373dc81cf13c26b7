// The life of one action run, the same for every action of the suite: read the settings (an
// input error fails the step before any request), set up the redacting log, the step's deadline
// and the connection pool, do the work, and report exactly once, whichever way the step ends:
// success, failure, cancellation by the runner, or the watchdog.
import * as core from '@actions/core';
import { Deadline } from './deadline.ts';
import { errorMessage } from './errors.ts';
import { loadGitHub, type GitHub } from './github.ts';
import { createHttpClient, type HttpClient } from './http.ts';
import { guardProcess, type StopReason } from './lifecycle.ts';
import { createLog, neutralizeCommands, type Log } from './log.ts';
import { createRedactor } from './redact.ts';

/** What every action's settings carry for the harness. */
export interface BaseSettings {
  /** Never printed: every line is redacted against it. */
  apiKey: string;
  baseUrl: string;
  timeoutMs: number;
}

export interface ActionRun<S extends BaseSettings> {
  settings: S;
  log: Log;
  deadline: Deadline;
  http: HttpClient;
  /** The GitHub API, loaded on first call (nothing of it is loaded before). */
  github(token: string): Promise<GitHub>;
  startedAt: number;
  /** Masks a secret learnt during the run (runner log and our own redaction), before any use. */
  addSecret(secret: string): void;
}

export interface Ending {
  /** The failure, if any. */
  error?: unknown;
  /** Set when the runner stopped the step. */
  cancelled: boolean;
  elapsedMs: number;
}

export interface ActionDefinition<S extends BaseSettings> {
  readSettings(): S;
  /** Does the work; throws on failure. */
  work(run: ActionRun<S>): Promise<void>;
  /**
   * The error to report when the step is stopped from outside (`cancelled`: by the runner;
   * `watchdog`: past the deadline): it names what is known so far.
   */
  stopped(reason: StopReason, run: ActionRun<S>): Error;
  /** Outputs, summary and annotations; must not throw. */
  report(run: ActionRun<S>, ending: Ending): Promise<void>;
  /** The text of the step's failure: the error, then what to do about it. */
  failure(run: ActionRun<S>, ending: Ending): string;
}

export interface HarnessOptions {
  /** Replaces the proxy-aware connection pool (tests). */
  http?: HttpClient;
  /** Replaces process.exit for cancellation and the watchdog (tests). */
  exit?: (code: number) => void;
}

export async function runAction<S extends BaseSettings>(
  action: ActionDefinition<S>,
  options: HarnessOptions = {},
): Promise<void> {
  const startedAt = Date.now();
  let settings: S;
  try {
    settings = action.readSettings();
  } catch (error) {
    core.setFailed(neutralizeCommands(errorMessage(error)));
    return;
  }

  const redactor = createRedactor(settings.apiKey);
  const log = createLog(redactor);
  const deadline = new Deadline(settings.timeoutMs, startedAt);
  let http: HttpClient;
  try {
    http = options.http ?? createHttpClient(settings.baseUrl, log);
  } catch (error) {
    core.setFailed(log.clean(errorMessage(error)));
    return;
  }
  const addSecret = (secret: string): void => {
    if (!secret) return;
    core.setSecret(secret);
    redactor.add(secret);
  };
  const run: ActionRun<S> = {
    settings,
    log,
    deadline,
    http,
    github: loadGitHub,
    startedAt,
    addSecret,
  };

  let reported = false;
  const finish = async (error?: unknown, cancelled = false): Promise<void> => {
    if (reported) return;
    reported = true;
    const ending: Ending = { error, cancelled, elapsedMs: Date.now() - startedAt };
    try {
      await action.report(run, ending);
    } catch (reportError) {
      log.warning(`Could not write the job summary: ${errorMessage(reportError)}`);
    }
    if (error !== undefined || cancelled) core.setFailed(log.clean(action.failure(run, ending)));
  };

  const release = guardProcess({
    deadline,
    exit: options.exit,
    onStop: (reason) => finish(action.stopped(reason, run), reason === 'cancelled'),
  });
  try {
    await action.work(run);
    await finish();
  } catch (error) {
    await finish(error);
  } finally {
    release();
    // Our own pool is destroyed (not closed): a hung request must not hold the process.
    if (!options.http) http.destroy();
  }
}
