import { describe, expect, it } from 'vitest';
import { Deadline, DeadlineExceededError, formatDuration } from '../src/core/deadline.ts';
import { now } from '../src/core/clock.ts';
import { backoffDelay, BACKOFF_CAP_MS, parseRetryAfter } from '../src/core/retry.ts';
import {
  baseInterval,
  forecastEnd,
  LAST_CHECK_RESERVE_MS,
  POLL_MAX_MS,
  POLL_MIN_MS,
  pollInterval,
  pollUntil,
  SKIP_FACTOR,
  type ProgressReading,
} from '../src/core/schedule.ts';
import { CLOCK_MS } from './helpers/timing.ts';

/** Poll times for a job of `lengthMs`, following the schedule as pollUntil does (zero latency). */
function pollsUntilNoticed(lengthMs: number): { calls: number; lagMs: number } {
  let t = pollInterval(0);
  let calls = 0;
  for (;;) {
    calls++;
    if (t >= lengthMs) return { calls, lagMs: t - lengthMs };
    t += pollInterval(t);
  }
}

describe('polling schedule', () => {
  it('waits 10% of the time waited so far, between 1 s and 30 s, less 50 ms', () => {
    expect(pollInterval(0)).toBe(POLL_MIN_MS - 50);
    expect(pollInterval(9_000)).toBe(POLL_MIN_MS - 50);
    expect(pollInterval(50_000)).toBe(4_950);
    expect(pollInterval(299_000)).toBe(29_850);
    expect(pollInterval(3_600_000)).toBe(POLL_MAX_MS - 50);
  });

  it.each([3_000, 20_000, 60_000, 600_000, 3_600_000])(
    'notices a %d ms job within max(1 s, 10%%) and at most 30 s late, 50 ms to spare',
    (lengthMs) => {
      // Worst case: the job ends just after a poll.
      for (let end = lengthMs - 5_000; end <= lengthMs; end += 37) {
        if (end <= 0) continue;
        const { lagMs } = pollsUntilNoticed(end);
        expect(lagMs).toBeLessThanOrEqual(Math.min(30_000, Math.max(1_000, end * 0.1)) - 50);
      }
    },
  );

  it('costs calls that grow with the logarithm of the job length', () => {
    expect(pollsUntilNoticed(3_000).calls).toBe(4);
    expect(pollsUntilNoticed(60_000).calls).toBe(30);
    expect(pollsUntilNoticed(600_000).calls).toBe(57);
    expect(pollsUntilNoticed(3_600_000).calls).toBe(157);
    // The fixed 5 s loop a user would write: 12 and 120 calls.
    expect(pollsUntilNoticed(600_000).calls).toBeLessThan(600_000 / 5_000);
  });
});

/** How a job reports progress `elapsedMs` into a job of `lengthMs` (a whole percentage). */
type ProgressModel = (elapsedMs: number, lengthMs: number) => number;

/** As the simulator does: 0 while pending (10% of the job, at most 1 s), then linear, floored. */
const linear: ProgressModel = (elapsed, length) => {
  const pending = Math.min(1_000, length * 0.1);
  if (elapsed < pending) return 0;
  return Math.min(99, Math.max(1, Math.floor((100 * (elapsed - pending)) / (length - pending))));
};

/**
 * Follows pollInterval with progress as pollUntil does (zero latency), for a job that ends at
 * `lengthMs` and reports `model`'s progress: the calls up to the first check at or after the
 * end, and how late that check is.
 */
function pollsWithProgress(
  lengthMs: number,
  model: ProgressModel,
): { calls: number; lagMs: number; times: number[] } {
  const readings: ProgressReading[] = [];
  const times: number[] = [];
  let t = pollInterval(0, readings);
  for (;;) {
    times.push(t);
    if (t >= lengthMs) return { calls: times.length, lagMs: t - lengthMs, times };
    readings.push({ waitedMs: t, percent: model(t, lengthMs) });
    t += pollInterval(t, readings);
  }
}

/** The fixed 5 s loop a user writes: a check at once, then every 5 s. */
const loopCalls = (lengthMs: number): number => Math.ceil(lengthMs / 5_000) + 1;
const lagBound = (lengthMs: number): number =>
  Math.min(POLL_MAX_MS, Math.max(POLL_MIN_MS, lengthMs * 0.1));

describe('polling schedule with the progress the service reports', () => {
  it.each([3_000, 20_000, 60_000, 600_000, 3_600_000])(
    'notices a %d ms job with steady progress within max(1 s, a tenth of it), in at most twice the calls of a 5 s loop',
    (nominal) => {
      for (let end = nominal - Math.min(5_000, nominal / 4); end <= nominal; end += 97) {
        const { calls, lagMs } = pollsWithProgress(end, linear);
        expect(lagMs).toBeLessThanOrEqual(lagBound(end) - 50);
        // Close to the end, a check every second: sooner than the 10% rule alone.
        expect(lagMs).toBeLessThan(POLL_MIN_MS);
        expect(calls).toBeLessThanOrEqual(2 * loopCalls(end));
      }
    },
  );

  it('spends fewer calls than the 10% rule alone where that is costly (a minute)', () => {
    expect(pollsWithProgress(60_000, linear).calls).toBeLessThan(pollsUntilNoticed(60_000).calls);
  });

  it.each([
    ['in steps of 25%', (e: number, l: number) => Math.floor((4 * e) / l) * 25],
    ['only 0 and 50', (e: number, l: number) => (e < l / 2 ? 0 : 50)],
    ['stuck at 0', () => 0],
  ])('stays within max(1 s, a tenth of the job) when progress moves %s', (_how, model) => {
    for (const nominal of [3_000, 20_000, 60_000, 600_000]) {
      for (let end = nominal / 2; end <= nominal; end += nominal / 37) {
        const { lagMs } = pollsWithProgress(end, model);
        expect(lagMs).toBeLessThanOrEqual(lagBound(end) - 50);
      }
    }
  });

  it('bounds the lag of a job that speeds up past its forecast: a few of its own tenths', () => {
    // Steady for the first third of a 10-minute forecast, then done at once.
    for (const end of [30_000, 100_000, 200_000]) {
      const model: ProgressModel = (e) => Math.floor((100 * e) / 600_000);
      const { lagMs } = pollsWithProgress(end, model);
      expect(lagMs).toBeLessThanOrEqual(SKIP_FACTOR * lagBound(end));
    }
  });

  it('goes back to the 10% rule when progress stalls past the latest forecast end', () => {
    // Steady to 99% at 60 s, then stuck there for 10 more minutes.
    const model: ProgressModel = (e) => Math.min(99, Math.floor((100 * e) / 60_000));
    const { times } = pollsWithProgress(660_000, model);
    const late = times.filter((t) => t > 120_000);
    for (let i = 1; i < late.length; i++) {
      expect((late[i] as number) - (late[i - 1] as number)).toBeCloseTo(
        baseInterval(late[i - 1] as number),
      );
    }
  });

  it('forecasts nothing from too little movement, and bounds the end from both sides', () => {
    expect(forecastEnd([])).toBeUndefined();
    expect(forecastEnd([{ waitedMs: 1_000, percent: 10 }])).toBeUndefined();
    expect(
      forecastEnd([
        { waitedMs: 1_000, percent: 50 },
        { waitedMs: 9_000, percent: 50 },
      ]),
    ).toBeUndefined();
    // 11% at 11 s and 23% at 23 s: 1% a second, give or take the rounding of each reading.
    const forecast = forecastEnd([
      { waitedMs: 11_000, percent: 11 },
      { waitedMs: 23_000, percent: 23 },
    ]);
    expect(forecast?.earliestMs).toBeLessThan(100_000);
    expect(forecast?.latestMs).toBeGreaterThan(100_000);
    // Readings that are all multiples of 25 are taken to be rounded to 25.
    expect(
      forecastEnd([
        { waitedMs: 10_000, percent: 25 },
        { waitedMs: 20_000, percent: 50 },
      ]),
    ).toBeUndefined();
    // Progress that goes back starts over.
    expect(
      forecastEnd([
        { waitedMs: 10_000, percent: 10 },
        { waitedMs: 20_000, percent: 20 },
        { waitedMs: 30_000, percent: 5 },
      ]),
    ).toBeUndefined();
  });
});

/**
 * The code reads the clock a few µs before or after this test does (the plan's wake here, the
 * length of a check there). A busy machine can hold the process off a core in between; 50 ms
 * allows for that, though it would have to fall in those µs, and is still far below the
 * hundreds of ms by which a wrong schedule would miss.
 */
const HOP_MS = 50;

/**
 * Records the waits the code asks `deadline` for, as it asks: how long, and when it means to
 * wake up. The plan is the code's decision; when a busy machine actually wakes it is not.
 */
function plannedWakes(deadline: Deadline): { ms: number; wake: number }[] {
  const plans: { ms: number; wake: number }[] = [];
  const sleep = deadline.sleep.bind(deadline);
  deadline.sleep = async (ms, what) => {
    const plan = { ms, wake: now() + ms };
    await sleep(ms, what);
    plans.push(plan);
  };
  return plans;
}

describe('pollUntil', () => {
  it('hands the progress each check reports to the schedule', async () => {
    const seen: ProgressReading[][] = [];
    const reports = ['0', '12', '', 'n/a', '30.5', undefined];
    let calls = 0;
    await pollUntil(
      new Deadline(10_000),
      'x',
      async (reportProgress) => {
        reportProgress(reports[calls]);
        return ++calls === reports.length ? 'done' : undefined;
      },
      (_waited, progress = []) => {
        seen.push([...progress]);
        return 5;
      },
    );
    expect(seen.at(-1)?.map((r) => r.percent)).toEqual([0, 12, 30.5]);
  });

  it('makes its last check within one request of the deadline, and fails just after it', async () => {
    // Each check takes about 150 ms, and asks for the next one 600 ms after its start: checks
    // planned at 600 and 1200 ms, then the last one 2 × 150 ms before the 2 s deadline (not a
    // fixed second before it).
    const deadline = new Deadline(2_000);
    const plans = plannedWakes(deadline);
    const checks: { start: number; end: number }[] = [];
    const error = await pollUntil(
      deadline,
      'job x',
      async () => {
        const start = now();
        await new Promise((resolve) => setTimeout(resolve, 150));
        checks.push({ start, end: now() });
        return undefined;
      },
      () => 600,
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DeadlineExceededError);
    // The first message when the last check was in time; the second when a busy machine woke it
    // so late that its reply came after the deadline: nothing more is asked either way.
    expect((error as Error).message).toMatch(
      /2s timeout (ends before another check of job x could be answered|would pass before the next check of job x)/,
    );
    // A wait before each check and none after the last: it fails as soon as that one answered.
    expect(plans.map((p) => p.wake)).toHaveLength(checks.length);
    // Every check is planned (the code's own choice, not when a busy machine wakes it) no later
    // than twice the longest check so far before the deadline, and 100 ms at least. A wait of 0
    // is no plan: the code was late already.
    for (const [i, plan] of plans.entries()) {
      if (plan.ms === 0) continue;
      const longest = Math.max(0, ...checks.slice(0, i).map((c) => c.end - c.start));
      expect(plan.wake).toBeLessThanOrEqual(
        deadline.at - Math.max(LAST_CHECK_RESERVE_MS, 2 * longest) + HOP_MS,
      );
    }
    // And the last one started no earlier than that (a timer is never early): the code measures
    // each check from just before it is called to just after it returns, a little longer than
    // the check itself does.
    const longest = Math.max(...checks.map((c) => c.end - c.start));
    expect(checks.at(-1)?.start).toBeGreaterThanOrEqual(deadline.at - 2 * (longest + HOP_MS));
  });

  it('returns the first defined result', async () => {
    let calls = 0;
    const deadline = new Deadline(10_000);
    const result = await pollUntil(
      deadline,
      'x',
      async () => (++calls === 3 ? 'done' : undefined),
      () => 5,
    );
    expect(result).toBe('done');
    expect(calls).toBe(3);
  });

  it('makes its first check one interval after the start: the caller has just looked', async () => {
    const started = performance.now();
    let firstAt = 0;
    await pollUntil(
      new Deadline(10_000),
      'x',
      async () => (firstAt ||= performance.now()),
      () => 200,
    );
    // A timer never fires early; the clocks' rounding aside.
    expect(firstAt - started).toBeGreaterThanOrEqual(200 - CLOCK_MS);
  });

  it('makes a last check just before the deadline, then fails with the deadline', async () => {
    const deadline = new Deadline(1_200);
    const plans = plannedWakes(deadline);
    const times: number[] = [];
    const error = await pollUntil(
      deadline,
      'job x',
      async () => void times.push(now()),
      () => 60_000,
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DeadlineExceededError);
    expect((error as Error).message).toContain(
      'timeout ends before another check of job x could be answered',
    );
    expect(times).toHaveLength(1);
    // Planned LAST_CHECK_RESERVE_MS before the deadline (when a busy machine wakes it is not the
    // code's choice), and no wait after it: the step fails as soon as the check has answered.
    expect(plans).toHaveLength(1);
    expect(plans[0]?.wake).toBeGreaterThanOrEqual(deadline.at - LAST_CHECK_RESERVE_MS);
    expect(plans[0]?.wake).toBeLessThanOrEqual(deadline.at - LAST_CHECK_RESERVE_MS + HOP_MS);
  });
});

describe('backoff and Retry-After', () => {
  it('uses full jitter that doubles from 0.5 s up to a 10 s cap', () => {
    expect(backoffDelay(0, () => 0.999)).toBe(499);
    expect(backoffDelay(1, () => 0.999)).toBe(999);
    expect(backoffDelay(3, () => 0.5)).toBe(2_000);
    expect(backoffDelay(10, () => 0.999)).toBe(BACKOFF_CAP_MS - 10);
    expect(backoffDelay(500, () => 0)).toBe(0);
  });

  it('reads Retry-After as seconds or an HTTP date', () => {
    const now = Date.parse('2026-01-01T00:00:00Z');
    expect(parseRetryAfter('3', now)).toBe(3_000);
    expect(parseRetryAfter('0.5', now)).toBe(500);
    expect(parseRetryAfter('Thu, 01 Jan 2026 00:00:07 GMT', now)).toBe(7_000);
    expect(parseRetryAfter('Wed, 31 Dec 2025 23:00:00 GMT', now)).toBe(0);
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(parseRetryAfter(undefined, now)).toBeUndefined();
  });
});

describe('Deadline', () => {
  it('refuses a sleep that would end after it', async () => {
    const deadline = new Deadline(1_000);
    await expect(deadline.sleep(5_000, 'retry 3')).rejects.toThrow(
      /timeout would pass before retry 3/,
    );
  });

  it('formats durations for people', () => {
    expect(formatDuration(1_500)).toBe('1.5s');
    expect(formatDuration(95_000)).toBe('1m35s');
    expect(formatDuration(5_400_000)).toBe('1h30m');
    expect(formatDuration(3_600_000)).toBe('1h');
  });
});
