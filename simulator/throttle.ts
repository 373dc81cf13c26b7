// The documented rate limit, enforced: at most `perSecond` requests in any 1-second window per
// endpoint and API key (a sliding window over the times requests arrived). Beyond it: HTTP 429
// with Retry-After (see quirks.ts), and the request is not processed.
import { ERR, newRequestId, retryAfterSeconds } from './quirks.ts';
import type { RateLimit } from './scenario.ts';

const WINDOW_MS = 1_000;

export interface Throttled {
  status: number;
  headers: Record<string, string>;
  body: string;
}

export class RateLimiter {
  private readonly arrivals = new Map<string, number[]>();

  /** Counts this request; returns the 429 reply when it is over the limit. */
  check(limit: RateLimit, key: string, now: number): Throttled | undefined {
    if (limit === false) return undefined;
    const times = (this.arrivals.get(key) ?? []).filter((t) => t > now - WINDOW_MS);
    this.arrivals.set(key, times);
    if (times.length < limit.perSecond) {
      times.push(now);
      return undefined;
    }
    const waitMs = (times[times.length - limit.perSecond] as number) + WINDOW_MS - now;
    return {
      status: ERR.rateLimited.httpStatus,
      headers: {
        'content-type': 'application/json',
        requestid: newRequestId(),
        'retry-after': retryAfterSeconds(waitMs),
      },
      body: JSON.stringify({ code: ERR.rateLimited.code, message: ERR.rateLimited.message }),
    };
  }
}
