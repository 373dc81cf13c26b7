// The API client against the simulator over real HTTP on loopback.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createClient } from '../src/api/client.ts';
import { Deadline, DeadlineExceededError } from '../src/core/deadline.ts';
import { createHttpClient } from '../src/core/http.ts';
import {
  ApiError,
  EmptyReplyError,
  HttpStatusError,
  MalformedReplyError,
  NetworkError,
} from '../src/api/errors.ts';
import { DEFAULT_CLUSTER_ID, type Simulator } from '../simulator/server.ts';
import { clientFor, testLog, type TestClient } from './helpers/client.ts';
import { jsonReply, useSimulator } from './helpers/sim.ts';
import { BUSY_MS, CLOCK_MS } from './helpers/timing.ts';

const simulator = useSimulator();
let sim: Simulator;
let api: TestClient;

beforeEach(() => {
  sim = simulator();
  api = clientFor(sim);
});
afterEach(async () => {
  await api.close();
});

function routeRequests(route: string) {
  return sim.requests.filter((r) => r.route === route);
}

describe('requests', () => {
  it('sends a cluster backup as exactly {"backupType":"CLUSTER"}, with auth and a User-Agent', async () => {
    const created = await api.client.backups.create(DEFAULT_CLUSTER_ID, { backupType: 'CLUSTER' });
    expect(created.backupId).toMatch(/^backup/);
    expect(created.jobId).toMatch(/^job-/);
    expect(created.requestId).toBeTruthy();
    const [request] = routeRequests('createBackup');
    expect(request?.body).toEqual({ backupType: 'CLUSTER' });
    expect(request?.headers.authorization).toBe(`Bearer ${sim.apiKey}`);
    expect(request?.headers['content-type']).toBe('application/json');
    expect(request?.headers['user-agent']).toBe('zilliz-backup-action/test');
  });

  it('describes the job with its string progress', async () => {
    const created = await api.client.backups.create(DEFAULT_CLUSTER_ID, { backupType: 'CLUSTER' });
    const job = await api.client.jobs.describe(created.jobId as string);
    expect(['PENDING', 'IN_PROGRESS']).toContain(job.status);
    expect(typeof job.progress).toBe('string');
  });

  it('pages through the backup list', async () => {
    sim.configure({
      existingBackups: Array.from({ length: 150 }, (_, i) => ({
        backupId: `backup_old_${i}`,
        status: 'AVAILABLE' as const,
      })),
    });
    const backups = await api.client.backups.list(DEFAULT_CLUSTER_ID);
    expect(backups).toHaveLength(150);
    expect(new Set(backups.map((b) => b.backupId)).size).toBe(150);
    expect(routeRequests('listBackups').map((r) => r.query.currentPage)).toEqual(['1', '2']);
  });
});

describe('base-url', () => {
  it('keeps a path prefix in front of every API path', async () => {
    // A gateway that only notes the path it was asked for: this is about the URL the client
    // builds, nothing else.
    const paths: string[] = [];
    const gateway = createServer((req, res) => {
      paths.push(req.url ?? '');
      res.setHeader('content-type', 'application/json');
      res.end(
        JSON.stringify({
          code: 0,
          data: { jobId: 'job-1', status: 'SUCCESSFUL', progress: '100' },
        }),
      );
    }).listen(0, '127.0.0.1');
    await once(gateway, 'listening');
    const baseUrl = `http://127.0.0.1:${(gateway.address() as AddressInfo).port}/zilliz`;
    const log = testLog([]);
    const http = createHttpClient(baseUrl, log);
    const client = createClient({
      baseUrl,
      token: 'k',
      deadline: new Deadline(5_000),
      log,
      http,
      userAgent: 'test',
    });
    expect((await client.jobs.describe('job-1')).status).toBe('SUCCESSFUL');
    expect(paths).toEqual(['/zilliz/v2/jobs/job-1']);
    http.destroy();
    gateway.close();
  });
});

describe('errors', () => {
  it('fails fast on a bad key with the code, message and request id', async () => {
    const bad = clientFor(sim, { apiKey: 'wrong-key' });
    const started = performance.now();
    const error = await bad.client.jobs.describe('job-x').catch((e: unknown) => e);
    await bad.close();
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).code).toBe(21119);
    expect((error as ApiError).httpStatus).toBe(401);
    expect((error as Error).message).toMatch(
      /21119: The apikey is illegal \(HTTP 401\) \(request id \S+\)/,
    );
    expect(routeRequests('describeJob')).toHaveLength(1);
    // One loopback request and no wait: a retry would show in the requests, and the only other
    // thing that could hold the call is its 30 s deadline.
    expect(performance.now() - started).toBeLessThan(BUSY_MS);
  });

  it('turns an HTTP 200 business error into a final ApiError', async () => {
    const error = await api.client.backups
      .create('in01-doesnotexist', { backupType: 'CLUSTER' })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).code).toBe(80020);
    expect((error as ApiError).httpStatus).toBe(200);
    expect((error as ApiError).requestId).toBeTruthy();
  });

  it('takes a create reply without jobId as it is; one without a backup id is an accepted create', async () => {
    sim.configure({
      faults: [
        jsonReply('createBackup', { code: 0, data: { backupId: 'backup1_x' } }),
        jsonReply('createBackup', { code: 0 }),
      ],
    });
    const partial = await api.client.backups.create(DEFAULT_CLUSTER_ID, { backupType: 'CLUSTER' });
    expect(partial).toMatchObject({ backupId: 'backup1_x', backupName: undefined });
    expect(partial.jobId).toBeUndefined();
    const empty = await api.client.backups
      .create(DEFAULT_CLUSTER_ID, { backupType: 'CLUSTER' })
      .catch((e: unknown) => e);
    // The server made a backup, but said nothing about it: the caller must find it.
    expect(empty).toBeInstanceOf(EmptyReplyError);
    expect((empty as EmptyReplyError).outcome).toBe('processed');
  });

  it('names a missing field of a read reply after asking again, with the request id', async () => {
    sim.configure({ faults: [jsonReply('describeJob', { code: 0, data: { jobId: 'j' } }, 5)] });
    const error = await api.client.jobs.describe('job-x').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MalformedReplyError);
    expect((error as Error).message).toContain('reply field "status" is missing');
    expect((error as Error).message).toMatch(/request id [0-9a-f]{32}/);
    expect(sim.requests.filter((r) => r.route === 'describeJob')).toHaveLength(5);
  });

  it('asks again after one malformed read reply ("code": 0 without data)', async () => {
    const created = await api.client.backups.create(DEFAULT_CLUSTER_ID, { backupType: 'CLUSTER' });
    sim.configure({ faults: [jsonReply('describeJob', { code: 0 })] });
    const job = await api.client.jobs.describe(created.jobId as string);
    expect(job.jobId).toBe(created.jobId);
    expect(sim.requests.filter((r) => r.route === 'describeJob')).toHaveLength(2);
  });

  it.each([
    ['a line break', 'backup1_x\n::set-output name=x::y'],
    ['a slash', '../../v2/other'],
    ['spaces', 'backup 1'],
  ])('refuses a backup id with %s: never an output or a path', async (_, backupId) => {
    sim.configure({
      faults: [jsonReply('createBackup', { code: 0, data: { backupId, jobId: 'job-1' } })],
    });
    const error = await api.client.backups
      .create(DEFAULT_CLUSTER_ID, { backupType: 'CLUSTER' })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MalformedReplyError);
    expect((error as Error).message).toContain('reply field "backupId" is not an id');
    expect((error as Error).message).not.toContain('\n');
  });

  it('names a field of the wrong type', async () => {
    sim.configure({
      faults: [
        jsonReply('createBackup', {
          code: 0,
          data: { backupId: 42, backupName: 'n', jobId: 'job-1' },
        }),
      ],
    });
    const error = await api.client.backups
      .create(DEFAULT_CLUSTER_ID, { backupType: 'CLUSTER' })
      .catch((e: unknown) => e);
    expect((error as Error).message).toContain(
      'reply field "backupId" is not an id (letters, digits, "_" and "-", at most 128): 42',
    );
  });

  it('rejects a 2xx JSON reply without "code"', async () => {
    sim.configure({
      faults: [jsonReply('describeJob', '{"data":{}}', 5)],
    });
    const error = await api.client.jobs.describe('job-x').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MalformedReplyError);
    expect((error as Error).message).toContain('no numeric "code" field');
  });

  it('does not retry a 404 HTML page or a redirect', async () => {
    sim.configure({
      faults: [
        {
          route: 'describeJob',
          kind: 'status',
          status: 404,
          contentType: 'text/html',
          body: '<html><h1>Not Found</h1></html>',
        },
        { route: 'describeJob', kind: 'status', status: 302 },
      ],
    });
    const notFound = await api.client.jobs.describe('job-x').catch((e: unknown) => e);
    expect(notFound).toBeInstanceOf(HttpStatusError);
    expect((notFound as Error).message).toContain('HTTP 404: Not Found');
    const redirect = await api.client.jobs.describe('job-x').catch((e: unknown) => e);
    expect((redirect as HttpStatusError).status).toBe(302);
    expect(routeRequests('describeJob')).toHaveLength(2);
  });
});

describe('retries of reads', () => {
  it('retries 5xx HTML pages and a non-JSON 2xx, then succeeds', async () => {
    const created = await api.client.backups.create(DEFAULT_CLUSTER_ID, { backupType: 'CLUSTER' });
    sim.configure({
      faults: [
        { route: 'describeJob', kind: 'status', status: 502 },
        { route: 'describeJob', kind: 'nonJson' },
        { route: 'describeJob', kind: 'status', status: 503 },
      ],
    });
    const job = await api.client.jobs.describe(created.jobId as string);
    expect(job.jobId).toBe(created.jobId);
    expect(routeRequests('describeJob')).toHaveLength(4);
    const retries = api.lines.filter((line) => line.includes('; retry '));
    expect(retries).toHaveLength(3);
    expect(retries[0]).toMatch(/HTTP 502.*retry 1 in \d/);
    expect(retries[1]).toMatch(/not JSON.*retry 2 in/);
  });

  it('honours Retry-After: three 429s are followed by requests at least one second apart', async () => {
    sim.configure({
      faults: [{ route: 'listBackups', kind: 'status', status: 429, times: 3, retryAfter: '1' }],
    });
    await api.client.backups.list(DEFAULT_CLUSTER_ID);
    // Each retry leaves after the reply to the one before, which the server sent after taking the
    // request in: the gap between arrivals holds the whole delay, whatever the load.
    const times = routeRequests('listBackups').map((r) => r.receivedAt);
    expect(times).toHaveLength(4);
    for (let i = 1; i < times.length; i++) {
      expect((times[i] as number) - (times[i - 1] as number)).toBeGreaterThanOrEqual(
        1_000 - CLOCK_MS,
      );
    }
    expect(api.lines.filter((l) => l.includes('(Retry-After)'))).toHaveLength(3);
  });

  it('retries connection resets and a hung request after its own time limit', async () => {
    await api.close();
    api = clientFor(sim, { requestTimeoutMs: 300 });
    sim.configure({
      faults: [
        { route: 'listBackups', kind: 'reset' },
        { route: 'listBackups', kind: 'hang' },
      ],
    });
    const backups = await api.client.backups.list(DEFAULT_CLUSTER_ID);
    expect(Array.isArray(backups)).toBe(true);
    expect(routeRequests('listBackups')).toHaveLength(3);
    expect(api.lines.join('\n')).toContain('no complete reply within 0.3s');
  });

  it('never outlives the deadline, however the server behaves', async () => {
    await api.close();
    api = clientFor(sim, { timeoutMs: 1_500 });
    sim.configure({ faults: [{ route: 'listBackups', kind: 'hang', times: 100 }] });
    const started = performance.now();
    const error = await api.client.backups.list(DEFAULT_CLUSTER_ID).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DeadlineExceededError);
    // The 1.5 s deadline ends it; past it each hung request would wait for its own 30 s limit.
    expect(performance.now() - started).toBeLessThan(1_500 + BUSY_MS);
  });

  it('stops retrying when the next delay would pass the deadline, and says so', async () => {
    await api.close();
    api = clientFor(sim, { timeoutMs: 5_000 });
    sim.configure({
      faults: [{ route: 'listBackups', kind: 'status', status: 503, retryAfter: '10' }],
    });
    const started = performance.now();
    const error = await api.client.backups.list(DEFAULT_CLUSTER_ID).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DeadlineExceededError);
    expect((error as Error).message).toMatch(
      /timeout would pass before retry 1.*giving up after: .*HTTP 503/,
    );
    // At once: a wait for the 10 s delay, or until the 5 s deadline, would take longer than this.
    expect(performance.now() - started).toBeLessThan(BUSY_MS);
  });

  it('treats a refused connection as transient and an unknown host as final', async () => {
    const refused = new NetworkError('GET /x', 'ECONNREFUSED', 'connect ECONNREFUSED');
    expect(refused.transient).toBe(true);
    expect(refused.outcome).toBe('not-processed');
    const unknownHost = new NetworkError('GET /x', 'ENOTFOUND', 'getaddrinfo ENOTFOUND');
    expect(unknownHost.transient).toBe(false);
    const certificate = new NetworkError('GET /x', 'CERT_HAS_EXPIRED', 'certificate has expired');
    expect(certificate.transient).toBe(false);
    const reset = new NetworkError('POST /x', 'ECONNRESET', 'socket hang up');
    expect(reset.outcome).toBe('unknown');
  });
});
