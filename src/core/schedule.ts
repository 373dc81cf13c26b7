// When to ask again whether something has finished.
//
// Without anything to go on, the interval is 10% of the time waited so far, between 1 s and
// 30 s, less 50 ms: a finished job is noticed within max(1 s, 10% of its length) and never more
// than 30 s late, with the 50 ms left for what follows (the size call, the summary, process
// exit), so that the step itself ends within that bound.
//
// When the service reports progress (Describe job's `progress` percentage), the schedule also
// forecasts the end: linear progress between two readings bounds the moment it reaches 100%,
// from both sides, allowing for the rounding of each reading. Before the earliest possible end
// the checks thin out (fewer calls than the 10% rule); from then on until the latest possible
// end they come every second (the end is noticed sooner than the 10% rule alone would allow).
// Progress that is coarse (only 0/50/100), stalls, goes back or jumps is read for what it
// proves and no more:
//   - readings are taken to be rounded down to their greatest common divisor, so coarse steps
//     widen the forecast instead of misleading it, and too little movement gives none;
//   - a stall keeps the forecast of the moment the reading was first seen, so the one-second
//     checks stop once its latest end has passed, and the 10% rule takes over again;
//   - progress that goes back starts a new forecast;
//   - checks before the earliest end are at most SKIP_FACTOR times the 10% rule apart (and 30 s):
//     a job that suddenly speeds up and ends is still noticed within a few of its own tenths.
import { now } from './clock.ts';
import { Deadline, DeadlineExceededError, formatDuration } from './deadline.ts';
import type { Log } from './log.ts';

export const POLL_MIN_MS = 1_000;
export const POLL_MAX_MS = 30_000;
export const POLL_FRACTION = 0.1;
export const POLL_MARGIN_MS = 50;
/** Checks before the forecast's earliest end are at most this many base intervals apart. */
export const SKIP_FACTOR = 4;
/**
 * The last check starts this long before the deadline at least, and twice the longest check
 * so far if that is more: its reply still arrives in time, and the step fails just after it.
 */
export const LAST_CHECK_RESERVE_MS = 100;

/** A progress reading: the percentage, and how long the wait had lasted when it was asked for. */
export interface ProgressReading {
  waitedMs: number;
  percent: number;
}

/**
 * The wait until the next check, from the time waited so far (at the start of the last check)
 * and the progress readings so far.
 */
export type PollInterval = (waitedMs: number, progress?: readonly ProgressReading[]) => number;

/** The interval without a forecast: 10% of the time waited, between 1 s and 30 s, less 50 ms. */
export function baseInterval(waitedMs: number): number {
  return Math.min(POLL_MAX_MS, Math.max(POLL_MIN_MS, waitedMs * POLL_FRACTION)) - POLL_MARGIN_MS;
}

const FINE_MS = POLL_MIN_MS - POLL_MARGIN_MS;

function gcd(a: number, b: number): number {
  return b === 0 ? a : gcd(b, a % b);
}

/**
 * The earliest and latest moment (in time waited) at which the progress can reach 100%, if it
 * goes on at a steady rate; undefined when the readings do not tell.
 */
export function forecastEnd(
  progress: readonly ProgressReading[],
): { earliestMs: number; latestMs: number } | undefined {
  // Readings strictly between 0 and 100, from the last time progress went back.
  let readings: ProgressReading[] = [];
  for (const r of progress) {
    if (!(r.percent > 0 && r.percent < 100)) continue;
    const last = readings.at(-1);
    if (last && r.percent < last.percent) readings = [];
    readings.push(r);
  }
  const first = readings[0];
  const current = readings.at(-1)?.percent;
  // The moment the current value was first read: a stall does not move the forecast.
  const reached = readings.find((r) => r.percent === current);
  if (!first || !reached) return undefined;
  // Each reading is rounded down to a multiple of `step` (1 for fine-grained progress).
  const step = readings.every((r) => Number.isInteger(r.percent))
    ? readings.reduce((g, r) => gcd(g, r.percent), 0)
    : 1;
  const moved = reached.percent - first.percent;
  const span = reached.waitedMs - first.waitedMs;
  if (moved <= step || span <= 0) return undefined;
  const fastest = (moved + step) / span;
  const slowest = (moved - step) / span;
  return {
    earliestMs: reached.waitedMs + Math.max(0, 100 - reached.percent - step) / fastest,
    latestMs: reached.waitedMs + (100 - reached.percent) / slowest,
  };
}

export const pollInterval: PollInterval = (waitedMs, progress = []) => {
  const base = baseInterval(waitedMs);
  const forecast = forecastEnd(progress);
  if (!forecast || waitedMs >= forecast.latestMs) return base;
  const untilEarliest = forecast.earliestMs - waitedMs;
  // Within the window where it can end: every second.
  if (untilEarliest <= FINE_MS) return Math.min(base, FINE_MS);
  // Before it: straight to the earliest end, but never more than SKIP_FACTOR base intervals
  // (nor 30 s) at once, in case the job speeds up.
  return Math.min(untilEarliest, SKIP_FACTOR * base, POLL_MAX_MS - POLL_MARGIN_MS);
};

/** What a check may say besides its result: the progress it read, as the service spells it. */
export type ReportProgress = (percent: string | number | undefined) => void;

/**
 * Calls `check` until it returns a value, on the schedule above: the first call one interval
 * after the start (whoever calls this has just looked), each next one measured from the previous
 * call's start (so slow replies do not stretch the schedule). A check may report the progress it
 * read, which the schedule uses. The last call is made as close to the deadline as one call
 * allows; after it, DeadlineExceededError.
 */
export async function pollUntil<T>(
  deadline: Deadline,
  what: string,
  check: (reportProgress: ReportProgress) => Promise<T | undefined>,
  interval: PollInterval = pollInterval,
): Promise<T> {
  const waitStart = now();
  const progress: ProgressReading[] = [];
  let longestCheckMs = 0;
  const lastCheckAt = (): number =>
    deadline.at - Math.max(LAST_CHECK_RESERVE_MS, 2 * longestCheckMs);
  let next = Math.min(waitStart + interval(0, progress), lastCheckAt());
  for (;;) {
    await deadline.sleep(Math.max(0, next - now()), `the next check of ${what}`);
    const checkStart = now();
    const waitedMs = checkStart - waitStart;
    const result = await check((percent) => {
      const value = typeof percent === 'string' ? Number.parseFloat(percent) : percent;
      if (value !== undefined && Number.isFinite(value))
        progress.push({ waitedMs, percent: value });
    });
    if (result !== undefined) return result;
    longestCheckMs = Math.max(longestCheckMs, now() - checkStart);
    if (checkStart >= lastCheckAt()) {
      throw new DeadlineExceededError(
        `the ${formatDuration(deadline.timeoutMs)} timeout ends before another check of ${what} ` +
          `could be answered (${formatDuration(deadline.remainingMs())} left)`,
      );
    }
    next = Math.max(now(), Math.min(checkStart + interval(waitedMs, progress), lastCheckAt()));
  }
}

/** Waiting for something to reach an end, and logging each change on the way. */
export interface Watch<S, T> {
  deadline: Deadline;
  log: Log;
  /** "job job-x": what the timeout message names. */
  what: string;
  /** One look at it: its state now. */
  look: () => Promise<S>;
  /** The line logged whenever it differs from the last one; " (12s elapsed)" is added. */
  describe: (state: S) => string;
  /** The result once it has ended; undefined to look again. It may throw to end the wait. */
  ended: (state: S) => T | undefined;
  /** The progress percentage it reads, for the schedule's forecast. */
  progress?: (state: S) => string | number | undefined;
  interval?: PollInterval;
  /** Look at once rather than one interval from now (e.g. right after a job succeeded). */
  lookFirst?: boolean;
  /** The line already logged for the state at the start: not logged again. */
  startLine?: string;
  /** Where "elapsed" counts from (now by default). */
  startedAt?: number;
}

/** Looks on the schedule above until `ended` returns a result; DeadlineExceededError first. */
export async function watch<S, T>(w: Watch<S, T>): Promise<T> {
  const startedAt = w.startedAt ?? now();
  let last = w.startLine;
  const step = async (reportProgress?: ReportProgress): Promise<T | undefined> => {
    const state = await w.look();
    reportProgress?.(w.progress?.(state));
    const line = w.describe(state);
    if (line !== last) {
      last = line;
      w.log.info(`${line} (${formatDuration(now() - startedAt)} elapsed)`);
    }
    return w.ended(state);
  };
  if (w.lookFirst) {
    const result = await step();
    if (result !== undefined) return result;
  }
  return pollUntil(w.deadline, w.what, step, w.interval);
}
