// The rate limit on both sides: the client's per-endpoint spacing (src/core/rate-limit.ts, used by
// every request of the transport) and the simulator's enforcement of the documented limit.
import { afterEach, describe, expect, it } from 'vitest';
import { Deadline, DeadlineExceededError } from '../src/core/deadline.ts';
import { endpointOf, RateLimiter } from '../src/core/rate-limit.ts';
import { DEFAULT_CLUSTER_ID, startSimulator, type Simulator } from '../simulator/server.ts';
import { clientFor } from './helpers/client.ts';

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
    const limiter = new RateLimiter(50); // 20 ms apart
    const deadline = new Deadline(10_000);
    const times: number[] = [];
    await Promise.all(
      Array.from({ length: 6 }, async () => {
        await limiter.take('a', deadline);
        times.push(Date.now());
      }),
    );
    times.sort((x, y) => x - y);
    // Read a tick after the limiter's own clock: 1 ms of slack on each gap, none on the whole.
    for (let i = 1; i < times.length; i++) {
      expect((times[i] as number) - (times[i - 1] as number)).toBeGreaterThanOrEqual(19);
    }
    expect((times[5] as number) - (times[0] as number)).toBeGreaterThanOrEqual(99);
    const other = Date.now();
    await limiter.take('b', deadline);
    expect(Date.now() - other).toBeLessThan(20);
  });

  it('fails at once when the next slot would come after the deadline', async () => {
    const limiter = new RateLimiter(0.1); // one every 10 s
    const deadline = new Deadline(2_000);
    await limiter.take('a', deadline);
    const started = Date.now();
    await expect(limiter.take('a', deadline)).rejects.toBeInstanceOf(DeadlineExceededError);
    expect(Date.now() - started).toBeLessThan(1_000);
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

  it('is met by the client without a single 429: 60 reads of one endpoint', async () => {
    sim = await startSimulator();
    const { client, close } = clientFor(sim);
    try {
      await Promise.all(
        Array.from({ length: 60 }, () => client.backups.list(DEFAULT_CLUSTER_ID, 'MANUAL')),
      );
    } finally {
      await close();
    }
    expect(sim.requests).toHaveLength(60);
    expect(sim.requests.filter((r) => r.status === 429)).toEqual([]);
  });
});
