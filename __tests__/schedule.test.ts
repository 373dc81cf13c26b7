import { describe, expect, it } from 'vitest';
import { Deadline, DeadlineExceededError, formatDuration } from '../src/core/deadline.ts';
import { backoffDelay, BACKOFF_CAP_MS, parseRetryAfter } from '../src/core/retry.ts';
import { POLL_MAX_MS, POLL_MIN_MS, pollInterval, pollUntil } from '../src/core/schedule.ts';

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

describe('pollUntil', () => {
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
    const started = Date.now();
    let firstAt = 0;
    await pollUntil(
      new Deadline(10_000),
      'x',
      async () => (firstAt ||= Date.now()),
      () => 200,
    );
    expect(firstAt - started).toBeGreaterThanOrEqual(195);
  });

  it('makes a last check just before the deadline, then fails with the deadline', async () => {
    const deadline = new Deadline(1_200);
    const times: number[] = [];
    const error = await pollUntil(
      deadline,
      'job x',
      async () => void times.push(Date.now()),
      () => 60_000,
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DeadlineExceededError);
    expect((error as Error).message).toContain(
      'timeout ends before another check of job x could be answered',
    );
    expect(times).toHaveLength(1);
    expect(Date.now()).toBeLessThanOrEqual(deadline.at);
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
