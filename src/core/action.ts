// The life of one action run, the same for every action of the suite: read the settings (an
// input error fails the step before any request, with a summary that says so), set up the
// redacting log, the step's deadline and the connection pool, do the work, and report exactly
// once, whichever way the step ends: success, failure, cancellation by the runner, or the
// watchdog. Each action supplies what differs; the harness writes outputs, summary, notice and
// failure the same way for all.
import { now } from './clock.ts';
import * as core from '@actions/core';
import { INPUT_ADVICE } from './advice.ts';
import { Deadline } from './deadline.ts';
import { errorMessage } from './errors.ts';
import { loadGitHub, type GitHub } from './github.ts';
import { createHttpClient, type HttpClient } from './http.ts';
import { guardProcess, type StopReason } from './lifecycle.ts';
import { createLog, type Log } from './log.ts';
import { createRedactor } from './redact.ts';
import { writeSummary, type Summary } from './summary.ts';

/** What every action's settings carry for the harness. */
export interface BaseSettings {
  /** Never printed: every line is redacted against it. */
  apiKey: string;
  /** Other secrets from the inputs (a cluster credential), redacted likewise. */
  secrets?: string[];
  baseUrl: string;
  timeoutMs: number;
}

export interface ActionRun<S extends BaseSettings> {
  settings: S;
  log: Log;
  deadline: Deadline;
  http: HttpClient;
  /** A connection pool for another origin (a cluster's own endpoint), routed by the same rules. */
  openHttp: (origin: string) => HttpClient;
  /** The GitHub API, loaded on first call (nothing of it is loaded before). */
  github(token: string): Promise<GitHub>;
  startedAt: number;
  /** Masks a secret learnt during the run (runner log and our own redaction), before any use. */
  addSecret(secret: string): void;
}

export interface Ending {
  /** The failure, if any (on a cancellation: the error `stopped` returned). */
  error?: unknown;
  /** Set when the runner stopped the step. */
  cancelled: boolean;
  elapsedMs: number;
}

/** What an action's report reads: its settings, its record and how the step ended. */
export type ReportOf<S, R> = { settings: S; record: R } & Omit<Ending, 'cancelled'> & {
    cancelled?: boolean;
  };

/** The summary without its closing sections, which the harness adds. */
export type SummaryBody = Omit<Summary, 'happened' | 'next'>;

export interface ActionDefinition<S extends BaseSettings> {
  /** "Zilliz Cloud backup": the notice's title, and the summary's title on an input error. */
  title: string;
  readSettings(): S;
  /** The first line of the log: what the step is about to do, with its settings. */
  intro(settings: S): string;
  /** Does the work; throws on failure. */
  work(run: ActionRun<S>): Promise<void>;
  /**
   * The error to report when the step is stopped from outside (`cancelled`: by the runner, a
   * StepCancelledError; `watchdog`: past the deadline, a DeadlineExceededError): it names what
   * is known so far.
   */
  stopped(reason: StopReason, run: ActionRun<S>): Error;
  /**
   * Last words to the outside world before the report (the deploy ledger's final status), on
   * every ending; bounded in time by the action. An error it returns fails a step that would
   * otherwise succeed.
   */
  settle?(run: ActionRun<S>, ending: Ending): Promise<Error | undefined>;
  /** Sets every output known; must not throw. */
  publish(run: ActionRun<S>, ending: Ending): void;
  /** The job summary's title, status and tables; must not throw. */
  summarize(run: ActionRun<S>, ending: Ending): SummaryBody;
  /** What to do next after a failure (it ends the step's error message). */
  nextSteps(run: ActionRun<S>, ending: Ending): string;
  /** What to do next after a success, when there is something to do. */
  afterSuccess?(run: ActionRun<S>): string;
}

export interface HarnessOptions {
  /** Replaces the proxy-aware connection pool (tests). */
  http?: HttpClient;
  /** Replaces process.exit for cancellation and the watchdog (tests). */
  exit?: (code: number) => void;
}

/** An input error: the step fails with the problems and the advice, and a summary of both. */
async function refuseInputs<S extends BaseSettings>(
  action: ActionDefinition<S>,
  error: unknown,
): Promise<void> {
  // No secret but the key can be in the message; the key was masked when it was read.
  const log = createLog(createRedactor(core.getInput('api-key').trim()));
  const message = errorMessage(error);
  try {
    await writeSummary(
      {
        status: 'FAILED',
        title: `${action.title}: invalid input, nothing was done`,
        tables: [],
        happened: message,
        next: INPUT_ADVICE,
      },
      log.redact,
    );
  } catch (summaryError) {
    log.warning(`Could not write the job summary: ${errorMessage(summaryError)}`);
  }
  core.setFailed(log.clean(`${message}\n${INPUT_ADVICE}`));
}

export async function runAction<S extends BaseSettings>(
  action: ActionDefinition<S>,
  options: HarnessOptions = {},
): Promise<void> {
  const startedAt = now();
  let settings: S;
  try {
    settings = action.readSettings();
  } catch (error) {
    await refuseInputs(action, error);
    return;
  }

  const redactor = createRedactor(settings.apiKey, ...(settings.secrets ?? []));
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
  const openHttp = (origin: string): HttpClient => createHttpClient(origin, log);
  const run: ActionRun<S> = {
    settings,
    log,
    deadline,
    http,
    openHttp,
    github: loadGitHub,
    startedAt,
    addSecret,
  };

  let reported = false;
  const finish = async (error?: unknown, cancelled = false): Promise<void> => {
    if (reported) return;
    reported = true;
    let ending: Ending = { error, cancelled, elapsedMs: now() - startedAt };
    try {
      const settled = await action.settle?.(run, ending);
      if (settled && ending.error === undefined && !cancelled)
        ending = { ...ending, error: settled };
    } catch (settleError) {
      log.warning(`Could not finish what the step records: ${errorMessage(settleError)}`);
    }
    error = ending.error;
    const failed = error !== undefined || cancelled;
    let next: string | undefined;
    try {
      action.publish(run, ending);
      next = failed ? action.nextSteps(run, ending) : action.afterSuccess?.(run);
      const body = action.summarize(run, ending);
      if (!failed) log.notice(body.title, action.title);
      await writeSummary(
        { ...body, happened: failed ? errorMessage(error) : undefined, next },
        log.redact,
      );
    } catch (reportError) {
      log.warning(`Could not write the job summary: ${errorMessage(reportError)}`);
    }
    if (failed) core.setFailed(log.clean(`${errorMessage(error)}${next ? `\n${next}` : ''}`));
  };

  log.info(action.intro(settings));
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
