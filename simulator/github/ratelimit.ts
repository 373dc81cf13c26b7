// The primary rate limit (per token, per hour) and the headers GitHub sends with every answer.
import { DOC_URL, MESSAGES, RATE_LIMIT, SECONDARY_RETRY_AFTER, errorBody } from './quirks.ts';
import type { ErrorReply } from './quirks.ts';
import type { Caller } from './auth.ts';
import type { Fault, RateLimitInput } from './scenario.ts';

interface Budget {
  limit: number;
  remaining: number;
  /** Epoch seconds. */
  reset: number;
}

export class RateLimits {
  private budgets = new Map<string, Budget>();
  private settings: RateLimitInput | false = {};

  /** New settings start every budget afresh. */
  configure(settings: RateLimitInput | false): void {
    this.settings = settings;
    this.budgets = new Map();
  }

  private budget(caller: Caller, now: number): Budget | undefined {
    const settings = this.settings;
    if (settings === false) return undefined;
    const key = caller.token ?? 'anonymous';
    const nowSeconds = Math.floor(now / 1000);
    const limit = settings.limit ?? (caller.token ? RATE_LIMIT.token : RATE_LIMIT.anonymous);
    const windowSeconds = settings.resetInSeconds ?? RATE_LIMIT.windowSeconds;
    let budget = this.budgets.get(key);
    if (!budget) {
      // The first window after configure() starts with the scenario's `remaining`.
      budget = {
        limit,
        remaining: Math.min(limit, settings.remaining ?? limit),
        reset: nowSeconds + windowSeconds,
      };
      this.budgets.set(key, budget);
    } else if (nowSeconds >= budget.reset) {
      budget.remaining = limit;
      budget.reset = nowSeconds + RATE_LIMIT.windowSeconds;
    }
    return budget;
  }

  /** Counts one request; returns its rate-limit headers and, when over the limit, the refusal. */
  take(caller: Caller, now: number): { headers: Record<string, string>; refusal?: ErrorReply } {
    const budget = this.budget(caller, now);
    if (!budget) return { headers: {} };
    const over = budget.remaining === 0;
    if (!over) budget.remaining -= 1;
    const headers = {
      'x-ratelimit-limit': String(budget.limit),
      'x-ratelimit-remaining': String(budget.remaining),
      'x-ratelimit-reset': String(budget.reset),
      'x-ratelimit-used': String(budget.limit - budget.remaining),
      'x-ratelimit-resource': 'core',
    };
    if (!over) return { headers };
    const status = (this.settings !== false && this.settings.status) || 403;
    const who = !caller.actor
      ? 'your IP address'
      : caller.actor.type === 'Bot'
        ? 'installation ID 43875112'
        : `user ID ${caller.actor.id}`;
    return {
      headers,
      refusal: {
        status,
        body: errorBody(status, MESSAGES.primaryRateLimit(who), DOC_URL.rateLimit),
        headers,
      },
    };
  }
}

/** The reply of a rateLimit fault. */
export function rateLimitFault(
  fault: Extract<Fault, { kind: 'rateLimit' }>,
  now: number,
): ErrorReply {
  const status = fault.status ?? 403;
  const reset = String(Math.floor(now / 1000) + (fault.resetInSeconds ?? 60));
  if (fault.limit === 'primary') {
    return {
      status,
      body: errorBody(
        status,
        MESSAGES.primaryRateLimit('installation ID 43875112'),
        DOC_URL.rateLimit,
      ),
      headers: {
        'x-ratelimit-limit': String(RATE_LIMIT.token),
        'x-ratelimit-remaining': '0',
        'x-ratelimit-reset': reset,
        'x-ratelimit-used': String(RATE_LIMIT.token),
        'x-ratelimit-resource': 'core',
        ...(fault.retryAfter ? { 'retry-after': fault.retryAfter } : {}),
      },
    };
  }
  const retryAfter = fault.retryAfter === undefined ? SECONDARY_RETRY_AFTER : fault.retryAfter;
  return {
    status,
    body: errorBody(status, MESSAGES.secondaryRateLimit, DOC_URL.secondaryRateLimit),
    headers: retryAfter === null ? {} : { 'retry-after': retryAfter },
  };
}
