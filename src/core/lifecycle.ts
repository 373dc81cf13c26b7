// Two ways a step can end without the workflow finishing: the runner stops it (SIGINT, then
// SIGTERM when a run is cancelled), or something hangs past the deadline despite every time
// limit. In both cases: report what is known, then exit with a failure, promptly.
import { DeadlineExceededError, formatDuration, type Deadline } from './deadline.ts';
import { namedError } from './errors.ts';

export type StopReason = 'cancelled' | 'watchdog';

/** The runner stopped the step (the run was cancelled). */
export class StepCancelledError extends namedError('StepCancelledError') {}

/**
 * The error of a step stopped from outside, naming what is known so far (`known`): a
 * StepCancelledError for the runner's cancel, a DeadlineExceededError for the watchdog.
 */
export function stoppedError(reason: StopReason, timeoutMs: number, known: string): Error {
  return reason === 'cancelled'
    ? new StepCancelledError(`The step was cancelled: ${known}`)
    : new DeadlineExceededError(
        `The step outlived its ${formatDuration(timeoutMs)} timeout and was stopped: ${known}`,
      );
}

/** How long past the deadline the watchdog waits for the normal path to finish. */
export const WATCHDOG_GRACE_MS = 5_000;
/** How long the final report may take before the process exits anyway. */
const REPORT_LIMIT_MS = 3_000;

export interface GuardOptions {
  deadline: Deadline;
  /** Writes outputs and the summary; must not throw. */
  onStop: (reason: StopReason) => Promise<void>;
  exit?: (code: number) => void;
  /** How long past the deadline the watchdog fires. */
  graceMs?: number;
}

/** Installs the signal handlers and the watchdog; returns a function that removes them. */
export function guardProcess({
  deadline,
  onStop,
  exit = (code) => process.exit(code),
  graceMs = WATCHDOG_GRACE_MS,
}: GuardOptions): () => void {
  let stopping = false;
  const stop = (reason: StopReason): void => {
    if (stopping) return exit(1); // a second signal: the user means it
    stopping = true;
    // Unref'd: if the report finishes first, nothing else holds the process.
    setTimeout(() => exit(1), REPORT_LIMIT_MS).unref();
    void onStop(reason).finally(() => exit(1));
  };
  const onSignal = (): void => stop('cancelled');
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  // Unref'd: it fires only if something else still keeps the process alive past the deadline.
  const watchdog = setTimeout(() => stop('watchdog'), deadline.remainingMs() + graceMs);
  watchdog.unref();
  return () => {
    clearTimeout(watchdog);
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  };
}
