// The documented rate limit, enforced: at most `perSecond` requests in any 1-second window per
// endpoint and API key (a sliding window over the times requests arrived). Beyond it: HTTP 429
// with Retry-After (see quirks.ts), and the request is not processed.
import type { RateLimit } from './scenario.ts';

const WINDOW_MS = 1_000;

export class RateLimiter {
  private readonly arrivals = new Map<string, number[]>();

  /** Counts this request; returns how long until it would have been allowed, or 0 when it is. */
  check(limit: RateLimit, key: string, now: number): number {
    if (limit === false) return 0;
    const times = (this.arrivals.get(key) ?? []).filter((t) => t > now - WINDOW_MS);
    this.arrivals.set(key, times);
    if (times.length >= limit.perSecond) {
      return (times[times.length - limit.perSecond] as number) + WINDOW_MS - now;
    }
    times.push(now);
    return 0;
  }
}
