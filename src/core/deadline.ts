// The step's one time budget. Everything that waits (requests, retry delays, polling) asks
// the deadline how long it may take, and is aborted through `signal` the moment it passes.
import { now } from './clock.ts';
import { setTimeout as sleepFor } from 'node:timers/promises';

/** The step's time is up. */
export class DeadlineExceededError extends Error {
  /**
   * The request that was under way when time ran out, if one was: the server may have acted on
   * it (a write must then be reported as possibly done).
   */
  readonly requestInFlight: string | undefined;

  constructor(message: string, requestInFlight?: string) {
    super(message);
    this.name = 'DeadlineExceededError';
    this.requestInFlight = requestInFlight;
  }
}

export class Deadline {
  readonly startedAt: number;
  readonly timeoutMs: number;
  /** Aborts when the time is up. Its timer is unref'd: it never keeps the process alive. */
  readonly signal: AbortSignal;

  constructor(timeoutMs: number, startedAt = now()) {
    this.timeoutMs = timeoutMs;
    this.startedAt = startedAt;
    this.signal = AbortSignal.timeout(Math.max(0, startedAt + timeoutMs - now()));
  }

  get at(): number {
    return this.startedAt + this.timeoutMs;
  }

  remainingMs(at = now()): number {
    return Math.max(0, this.at - at);
  }

  /**
   * A budget of its own for a part of the step that may fail without failing it (the checks on
   * the cluster, the deploy ledger): at most `capMs`, and never more than a quarter of the time
   * left, so that a service that never answers costs a bounded part of the timeout.
   */
  share(capMs: number): Deadline {
    return new Deadline(Math.min(capMs, Math.floor(this.remainingMs() / 4)));
  }

  /**
   * Sleeps `ms`, or throws DeadlineExceededError as soon as the deadline passes (at once when
   * the sleep would end after it: there is no point in waking up too late).
   */
  async sleep(ms: number, what: string): Promise<void> {
    if (now() + ms > this.at) {
      throw new DeadlineExceededError(
        `the ${formatDuration(this.timeoutMs)} timeout would pass before ${what} ` +
          `(${formatDuration(ms)} from now, ${formatDuration(this.remainingMs())} left)`,
      );
    }
    try {
      await sleepFor(ms, undefined, { signal: this.signal });
    } catch (error) {
      if (this.signal.aborted) {
        throw new DeadlineExceededError(`the ${formatDuration(this.timeoutMs)} timeout passed`);
      }
      throw error;
    }
  }
}

/** 1500 → "1.5s", 95000 → "1m35s", 5400000 → "1h30m". */
export function formatDuration(ms: number): string {
  if (ms < 10_000) return `${Math.round(ms / 100) / 10}s`;
  const total = Math.round(ms / 1_000);
  const h = Math.floor(total / 3_600);
  const m = Math.floor((total % 3_600) / 60);
  const s = total % 60;
  return [h ? `${h}h` : '', m ? `${m}m` : '', s || (!h && !m) ? `${s}s` : ''].join('');
}
