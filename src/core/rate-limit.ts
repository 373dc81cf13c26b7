// A client-side rate limit: requests with the same key (an endpoint) go out at least
// 1000 / perSecond ms apart, measured from when each one actually left. Spacing by the actual
// time, not by a schedule reserved in advance, means that a late timer or a busy event loop
// never makes two requests leave closer together than the limit allows. Waiting goes through
// the step's deadline: a slot that would come after it fails at once.
import { now } from './clock.ts';
import type { Deadline } from './deadline.ts';

export class RateLimiter {
  readonly intervalMs: number;
  private readonly lastSent = new Map<string, number>();

  constructor(perSecond: number) {
    this.intervalMs = 1_000 / perSecond;
  }

  /** Resolves when a request with this key may leave (and counts it as sent). */
  async take(key: string, deadline: Deadline): Promise<void> {
    for (;;) {
      const at = now();
      const wait = (this.lastSent.get(key) ?? -Infinity) + this.intervalMs - at;
      if (wait <= 0) {
        this.lastSent.set(key, at);
        return;
      }
      await deadline.sleep(Math.ceil(wait), `the next request slot of ${key}`);
    }
  }
}

/**
 * The endpoint a request goes to, as a rate limit's key: "DELETE /v2/clusters/{}/backups/{}".
 * Path segments after the first (the API version) that contain anything but letters are ids.
 */
export function endpointOf(method: string, path: string): string {
  const segments = (path.split('?')[0] ?? '').split('/');
  return `${method} ${segments.map((s, i) => (i > 1 && /[^A-Za-z]/.test(s) ? '{}' : s)).join('/')}`;
}
