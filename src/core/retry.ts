// How long to wait before trying a transient failure again: exponential backoff with full
// jitter (a random delay up to 0.5 s, 1 s, 2 s … capped at 10 s), unless the server said how
// long with Retry-After. Never less than a floor: a `Retry-After: 0`, a date in the past or a
// jitter of zero must not turn a struggling server into hundreds of requests per second.

export const BACKOFF_BASE_MS = 500;
export const BACKOFF_CAP_MS = 10_000;
export const RETRY_FLOOR_MS = 250;

/** The wait before retry `attempt` (from 0): the server's Retry-After or backoff, floored. */
export function retryDelay(
  retryAfterMs: number | undefined,
  attempt: number,
  random: () => number = Math.random,
): number {
  return Math.max(RETRY_FLOOR_MS, retryAfterMs ?? backoffDelay(attempt, random));
}

/** Full jitter: uniform in [0, min(cap, base·2^attempt)). `attempt` counts from 0. */
export function backoffDelay(attempt: number, random: () => number = Math.random): number {
  const ceiling = Math.min(BACKOFF_CAP_MS, BACKOFF_BASE_MS * 2 ** Math.min(attempt, 30));
  return Math.floor(random() * ceiling);
}

/**
 * Retry-After as seconds ("3") or an HTTP date; undefined when absent or unreadable.
 * A date in the past means "now".
 */
export function parseRetryAfter(header: string | undefined, now = Date.now()): number | undefined {
  if (header === undefined) return undefined;
  const text = header.trim();
  if (/^\d+(\.\d+)?$/.test(text)) return Math.round(Number(text) * 1_000);
  const date = Date.parse(text);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - now);
}
