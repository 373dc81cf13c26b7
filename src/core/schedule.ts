// When to ask again whether something has finished. The interval is 10% of the time waited so
// far, between 1 s and 30 s, less 50 ms: a finished job is noticed within max(1 s, 10% of its
// length) and never more than 30 s late, with the 50 ms left for what follows (the size call,
// the summary, process exit), so that the step itself ends within that bound. A long job costs
// calls that grow with the logarithm of its length (30 for a minute, 57 for ten) instead of one
// every few seconds.
import { Deadline, DeadlineExceededError, formatDuration } from './deadline.ts';

export const POLL_MIN_MS = 1_000;
export const POLL_MAX_MS = 30_000;
export const POLL_FRACTION = 0.1;
export const POLL_MARGIN_MS = 50;
/** The last check is made this long before the deadline, so that its reply still fits. */
const LAST_CHECK_MARGIN_MS = 1_000;

export type PollInterval = (waitedMs: number) => number;

export const pollInterval: PollInterval = (waitedMs) =>
  Math.min(POLL_MAX_MS, Math.max(POLL_MIN_MS, waitedMs * POLL_FRACTION)) - POLL_MARGIN_MS;

/**
 * Calls `check` until it returns a value, on the schedule above: the first call one interval
 * after the start (whoever calls this has just looked), each next one measured from the previous
 * call's start (so slow replies do not stretch the schedule). The last call is made just before
 * the deadline; after it, DeadlineExceededError.
 */
export async function pollUntil<T>(
  deadline: Deadline,
  what: string,
  check: () => Promise<T | undefined>,
  interval: PollInterval = pollInterval,
): Promise<T> {
  const waitStart = Date.now();
  const lastCheckAt = deadline.at - LAST_CHECK_MARGIN_MS;
  let next = Math.min(waitStart + interval(0), lastCheckAt);
  for (;;) {
    await deadline.sleep(Math.max(0, next - Date.now()), `the next check of ${what}`);
    const checkStart = Date.now();
    const result = await check();
    if (result !== undefined) return result;
    if (checkStart >= lastCheckAt) {
      throw new DeadlineExceededError(
        `the ${formatDuration(deadline.timeoutMs)} timeout passed while waiting for ${what}`,
      );
    }
    next = Math.min(checkStart + interval(checkStart - waitStart), lastCheckAt);
  }
}
