// The rate limit on both sides: the client's per-endpoint spacing (src/core/rate-limit.ts, used by
// every request of the transport) and the simulator's enforcement of the documented limit.
import { afterEach, describe, expect, it } from 'vitest';
import { Deadline, DeadlineExceededError } from '../src/core/deadline.ts';
import { endpointOf, RateLimiter } from '../src/core/rate-limit.ts';
import { run as prune } from '../src/prune/main.ts';
import { DEFAULT_CLUSTER_ID, startSimulator, type Simulator } from '../simulator/server.ts';
import { clientFor } from './helpers/client.ts';
import { runInProcess, type InProcessRun } from './helpers/inprocess.ts';
import { busiestSecond, grantedAt, recordSlots } from './helpers/slots.ts';
import { BUSY_MS } from './helpers/timing.ts';

describe('endpointOf', () => {
  it.each([
    ['GET', '/v2/backups?clusterId=in01-1&currentPage=2', 'GET /v2/backups'],
    ['GET', '/v2/jobs/job-abc123', 'GET /v2/jobs/{}'],
    ['DELETE', '/v2/clusters/in01-3e5a/backups/backup0_1e3c', 'DELETE /v2/clusters/{}/backups/{}'],
    ['POST', '/v2/clusters/in01-3e5a/backups/create', 'POST /v2/clusters/{}/backups/create'],
    [
      'POST',
      '/v2/clusters/in01-3e5a/backups/backup0_1e3c/restoreCollection',
      'POST /v2/clusters/{}/backups/{}/restoreCollection',
    ],
  ])('%s %s → %s', (method, path, key) => expect(endpointOf(method, path)).toBe(key));
});

describe('RateLimiter', () => {
  it('spaces requests to one key, measured from when each left, and not other keys', async () => {
    const limiter = new RateLimiter(20); // 50 ms apart
    const deadline = new Deadline(10_000);
    const order: string[] = [];
    const slots: number[] = [];
    await Promise.all([
      ...Array.from({ length: 6 }, async () => {
        await limiter.take('a', deadline);
        slots.push(grantedAt(limiter, 'a'));
        order.push('a');
      }),
      // Another key does not queue behind 'a': it goes before the second 'a', which waits.
      limiter.take('b', deadline).then(() => order.push('b')),
    ]);
    expect(order.slice(0, 2).sort()).toEqual(['a', 'b']);
    // As the limiter read the clock for each slot: a busy machine makes the gaps longer, never
    // shorter.
    slots.sort((x, y) => x - y);
    for (let i = 1; i < slots.length; i++) {
      expect((slots[i] as number) - (slots[i - 1] as number)).toBeGreaterThanOrEqual(50);
    }
  });

  it('fails at once when the next slot would come after the deadline', async () => {
    const limiter = new RateLimiter(0.1); // one every 10 s
    const deadline = new Deadline(5_000);
    await limiter.take('a', deadline);
    const started = performance.now();
    await expect(limiter.take('a', deadline)).rejects.toBeInstanceOf(DeadlineExceededError);
    // At once: waiting for the slot (10 s) or the deadline (5 s) would take longer than this.
    expect(performance.now() - started).toBeLessThan(BUSY_MS);
  });
});

describe('the simulated rate limit', () => {
  let sim: Simulator | undefined;
  afterEach(async () => {
    await sim?.close();
    sim = undefined;
  });

  const list = (s: Simulator, key = s.apiKey): Promise<Response> =>
    fetch(`${s.url}/v2/backups?clusterId=${DEFAULT_CLUSTER_ID}`, {
      headers: { authorization: `Bearer ${key}` },
    });

  // The simulator counts requests as it takes them in. 21 sent at once reach it within a few
  // milliseconds; a busy machine's stalls (a few hundred ms at worst) do not spread them over
  // the second that would let the 21st through.
  it('refuses the 21st request within a second to one endpoint with 429 and Retry-After', async () => {
    sim = await startSimulator();
    const replies = await Promise.all(Array.from({ length: 21 }, () => list(sim as Simulator)));
    const limited = replies.filter((r) => r.status === 429);
    expect(limited).toHaveLength(1);
    expect(Number(limited[0]?.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(await limited[0]?.json()).toMatchObject({ code: 429 });
    // Another endpoint is counted apart.
    const job = await fetch(`${sim.url}/v2/jobs/job-none`, {
      headers: { authorization: `Bearer ${sim.apiKey}` },
    });
    expect(job.status).toBe(200);
  });

  it('can be set lower, or off', async () => {
    sim = await startSimulator({ scenario: { rateLimit: { perSecond: 2 } } });
    const statuses = (await Promise.all([1, 2, 3].map(() => list(sim as Simulator)))).map(
      (r) => r.status,
    );
    expect(statuses.sort()).toEqual([200, 200, 429]);
    sim.configure({ rateLimit: false });
    const after = await Promise.all(Array.from({ length: 30 }, () => list(sim as Simulator)));
    expect(after.every((r) => r.status === 200)).toBe(true);
  });

  it('is kept by the client: 60 reads of one endpoint, at most 18 a second', async () => {
    sim = await startSimulator();
    const { client, close } = clientFor(sim);
    const granted = recordSlots();
    try {
      await Promise.all(
        Array.from({ length: 60 }, () => client.backups.list(DEFAULT_CLUSTER_ID, 'MANUAL')),
      );
    } finally {
      granted.stop();
      await close();
    }
    // As the limiter granted the slots, which is what the client decides: 18 a second, the
    // documented 20 less a margin for the network. Where they arrive, a busy machine can bunch
    // them (and the simulator answer 429, which the client rides out): no measure of the client.
    expect(new Set(granted.slots.map((slot) => slot.key))).toEqual(new Set(['GET /v2/backups']));
    expect(granted.slots.length).toBeGreaterThanOrEqual(60);
    expect(busiestSecond(granted.slots)).toBeLessThanOrEqual(18);
  });

  it("is kept by prune's deletes, side by side: at most 18 a second, and not needlessly fewer", async () => {
    sim = await startSimulator({
      scenario: {
        existingBackups: Array.from({ length: 50 }, (_, i) => ({
          creationMethod: 'MANUAL' as const,
          ageMs: (i + 1) * 86_400_000,
        })),
      },
    });
    const granted = recordSlots();
    let result: InProcessRun;
    try {
      result = await runInProcess(sim, { 'keep-last': '1', 'max-deletions': '100' }, {}, prune);
    } finally {
      granted.stop();
    }
    expect(result.failed).toBe(false);
    expect(result.outputs.deletedCount).toBe('49');
    const deletes = granted.slots.filter((slot) => slot.key.startsWith('DELETE '));
    expect(deletes.length).toBeGreaterThanOrEqual(49);
    expect(busiestSecond(deletes)).toBeLessThanOrEqual(18);
    // And at the limit's pace, eight deletes at a time: the slots come 1/18 s apart unless a
    // timer fires late, and a busy machine does not make them late by half on average.
    expect(busiestSecond(deletes)).toBeGreaterThan(10);
  });
});
