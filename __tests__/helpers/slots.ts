// When the client's rate limiter lets each request go, as the limiter itself read the clock to
// grant the slot (it keeps that reading per endpoint, to space the next request from it). Any
// time taken later, as the request is created or arrives at a server, can be late by however
// long a busy machine keeps the process off a core in between (a few ms often, a few hundred at
// worst), and one late reading followed by a prompt one shrinks a gap below the limit.
import { vi } from 'vitest';
import { RateLimiter } from '../../src/core/rate-limit.ts';

export interface Slot {
  /** The endpoint: "GET /v2/backups", "DELETE /v2/clusters/{}/backups/{}" … */
  key: string;
  /** The clock (src/core/clock.ts) as the limiter read it when it granted the slot. */
  at: number;
}

/**
 * The limiter's reading for its latest slot of `key`: read right after take() resolved, before
 * another slot of that key can be granted (that takes a timer, which waits for this to finish).
 */
export function grantedAt(limiter: RateLimiter, key: string): number {
  const { lastSent } = limiter as unknown as { lastSent: Map<string, number> };
  const at = lastSent.get(key);
  if (at === undefined) throw new Error(`no slot of ${key} granted`);
  return at;
}

/** Records every slot any RateLimiter of this process grants, until the spy is restored. */
export function recordSlots(): { slots: Slot[]; stop: () => void } {
  const slots: Slot[] = [];
  const take = RateLimiter.prototype.take;
  const spy = vi.spyOn(RateLimiter.prototype, 'take').mockImplementation(async function (
    this: RateLimiter,
    key,
    deadline,
  ) {
    await take.call(this, key, deadline);
    slots.push({ key, at: grantedAt(this, key) });
  });
  return { slots, stop: () => spy.mockRestore() };
}

/** The most of these slots within any 1000 ms. */
export function busiestSecond(slots: readonly Slot[]): number {
  const times = slots.map((s) => s.at).sort((a, b) => a - b);
  let busiest = 0;
  for (let first = 0, last = 0; last < times.length; last++) {
    while ((times[last] as number) - (times[first] as number) >= 1_000) first++;
    busiest = Math.max(busiest, last - first + 1);
  }
  return busiest;
}
