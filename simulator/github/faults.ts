// Fault injection: a queue of faults, each used for the next `times` requests of its route.
import type { Fault, RouteName } from './scenario.ts';

interface Pending {
  fault: Fault;
  remaining: number;
}

export class FaultQueue {
  private readonly pending: Pending[] = [];

  add(faults: readonly Fault[]): void {
    for (const fault of faults) this.pending.push({ fault, remaining: fault.times ?? 1 });
  }

  /** The first queued fault for this route ('*' matches every API route), used up once. */
  take(route: RouteName | 'unknown'): Fault | undefined {
    if (route === 'unknown') return undefined;
    const i = this.pending.findIndex((p) => p.fault.route === '*' || p.fault.route === route);
    const hit = this.pending[i];
    if (!hit) return undefined;
    hit.remaining -= 1;
    if (hit.remaining <= 0) this.pending.splice(i, 1);
    return hit.fault;
  }

  /** Faults still queued, with their remaining count. */
  remaining(): { fault: Fault; remaining: number }[] {
    return this.pending.map((p) => ({ ...p }));
  }
}
