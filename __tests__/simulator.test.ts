// The Zilliz Cloud control-plane simulator, over real HTTP.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  DEFAULT_CLUSTER_ID as CLUSTER,
  ERR,
  SERVERLESS_CLUSTER_ID,
  startSimulator,
} from '../simulator/server.ts';
import type { ScenarioInput, Simulator } from '../simulator/server.ts';
import { ROOT } from '../scripts/actions.ts';
import { expectExit, startScript } from './helpers/children.ts';
import { bodyOf, readReply, until, type Reply } from './helpers/replies.ts';
import { BUSY_MS, CLOCK_MS } from './helpers/timing.ts';

let sim: Simulator | undefined;

afterEach(async () => {
  await sim?.close();
  sim = undefined;
});

async function start(scenario: ScenarioInput = {}): Promise<Simulator> {
  sim = await startSimulator({ scenario: { jobDurationMs: 300, ...scenario } });
  return sim;
}

async function call(
  path: string,
  init: { method?: string; body?: unknown; key?: string | null; signal?: AbortSignal } = {},
): Promise<Reply> {
  const s = sim!;
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  const key = init.key === undefined ? s.apiKey : init.key;
  if (key !== null) headers.authorization = `Bearer ${key}`;
  const res = await fetch(s.url + path, {
    method: init.method ?? (init.body === undefined ? 'GET' : 'POST'),
    headers,
    body: bodyOf(init.body),
    signal: init.signal,
  });
  return readReply(res);
}

const create = (body: unknown, clusterId = CLUSTER) =>
  call(`/v2/clusters/${clusterId}/backups/create`, { body });
const cluster = { backupType: 'CLUSTER' };
const collection = (collectionNames: string[], dbName?: string) => ({
  backupType: 'COLLECTION',
  dbCollections: [{ ...(dbName === undefined ? {} : { dbName }), collectionNames }],
});

const ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/;

describe('auth and envelope', () => {
  it('rejects a missing or wrong key with HTTP 401 and code 21119', async () => {
    await start();
    for (const key of [null, 'wrong-key']) {
      const r = await call('/v2/backups', { key });
      expect(r.status).toBe(401);
      expect(r.json).toEqual({ code: 21119, message: 'The apikey is illegal' });
    }
    expect((await call('/v2/backups')).json.code).toBe(0);
  });

  it('sends a unique requestid and JSON content type; unknown routes are 404', async () => {
    await start();
    const a = await call('/v2/backups');
    const b = await call('/v2/backups');
    expect(a.headers.get('content-type')).toBe('application/json');
    expect(a.headers.get('requestid')).toMatch(/^[0-9a-f]{32}$/);
    expect(a.headers.get('requestid')).not.toBe(b.headers.get('requestid'));
    const nf = await call('/v2/nothing-here');
    expect(nf.status).toBe(404);
    expect(nf.json.code).toBe(404);
    expect(sim!.requests.at(-1)).toMatchObject({ route: 'unknown', status: 404 });
  });
});

describe('create backup', () => {
  it('creates a collection backup and its job with documented id formats', async () => {
    const s = await start();
    const r = await create({
      ...collection(['orders', 'items'], 'shop'),
      crossRegionCopies: [{ regionId: 'aws-us-east-1' }],
    });
    expect(r.status).toBe(200);
    expect(r.json.code).toBe(0);
    expect(r.json.data.backupId).toMatch(/^backup\d+_[0-9a-f]{15}$/);
    expect(r.json.data.backupName).toMatch(/^Dedicated-01_backup\d+$/);
    expect(r.json.data.jobId).toMatch(/^job-[a-z0-9]{22}$/);
    const [backup] = s.backups();
    expect(backup).toMatchObject({
      backupId: r.json.data.backupId,
      creationMethod: 'MANUAL',
      backupType: 'COLLECTION',
      status: 'CREATING',
      size: 0,
      collections: [{ dbName: 'shop', collectionNames: ['orders', 'items'] }],
      crossRegionCopies: [{ regionId: 'aws-us-east-1' }],
    });
    expect(s.requests[0]).toMatchObject({
      method: 'POST',
      route: 'createBackup',
      status: 200,
      body: { backupType: 'COLLECTION' },
    });
  });

  it('rejects bad requests with business errors on HTTP 200 and creates nothing', async () => {
    const s = await start();
    const cases: [unknown, string | undefined, number, string | RegExp][] = [
      [{ backupType: 'FULL' }, undefined, 80000, 'Incorrect parameter: backupType'],
      [{}, undefined, 80000, /backupType/],
      ['{not json', undefined, 80000, /JSON/],
      [{ backupType: 'COLLECTION' }, undefined, 80000, /dbCollections/],
      [
        { backupType: 'COLLECTION', dbCollections: [collection(['orders']).dbCollections[0], {}] },
        undefined,
        80000,
        /dbCollections/,
      ],
      [collection([]), undefined, 80000, /collectionNames/],
      [collection(['nope']), undefined, 90001, 'The collection nope does not exist.'],
      [collection(['orders'], 'nodb'), undefined, 80000, /database nodb/],
      [{ ...cluster, crossRegionCopies: [{ region: 'x' }] }, undefined, 80000, /crossRegion/],
      [{ ...cluster, backupName: 'mine' }, undefined, 80000, 'unknown field backupName'],
      [
        {
          backupType: 'COLLECTION',
          dbCollections: [{ collectionNames: ['orders'], collections: ['orders'] }],
        },
        undefined,
        80000,
        'unknown field dbCollections[0].collections',
      ],
      [cluster, 'in01-0000000000000000', 80020, ERR.unknownCluster.message],
      [cluster, SERVERLESS_CLUSTER_ID, 80021, 'Serverless cluster not support this operation.'],
    ];
    for (const [body, clusterId, code, message] of cases) {
      const r = await create(body, clusterId);
      expect(r.status, JSON.stringify(body)).toBe(200);
      expect(r.json.code, JSON.stringify(body)).toBe(code);
      expect(r.json.message).toMatch(message);
    }
    expect(s.backups()).toHaveLength(0);
    expect(s.jobs()).toHaveLength(0);
  });

  it('allows one manual backup at a time per cluster', async () => {
    // A job that outlasts the second create however long a busy machine takes to send it.
    const s = await start({ jobDurationMs: 2_000 });
    const first = await create(cluster);
    const second = await create(collection(['users']));
    expect(second.status).toBe(200);
    expect(second.json).toEqual({
      code: ERR.manualBackupInProgress.code,
      message: ERR.manualBackupInProgress.message,
    });
    expect(s.backups()).toHaveLength(1);
    await until(
      () => call(`/v2/jobs/${first.json.data.jobId}`),
      (r) => r.json.data.status === 'SUCCESSFUL',
    );
    expect((await create(collection(['users']))).json.code).toBe(0);
  });

  it('refuses a manual backup while an automatic one is CREATING', async () => {
    // Still CREATING at the first create, however long a busy machine takes to send it.
    const s = await start({
      existingBackups: [{ creationMethod: 'AUTO', status: 'CREATING', finishAfterMs: 1_500 }],
    });
    const r = await create(cluster);
    expect(r.json.message).toBe(ERR.autoBackupInProgress.message);
    const ok = await until(
      () => create(cluster),
      (x) => x.json.code === 0,
    );
    expect(ok.json.data.backupId).toBeDefined();
    expect(s.backups().map((b) => b.creationMethod)).toEqual(['AUTO', 'MANUAL']);
  });

  it('autoBackupStartsOnCreate: the first create finds an AUTO backup just started', async () => {
    const s = await start({ autoBackupStartsOnCreate: true });
    const r = await create(cluster);
    expect(r.json.code).toBe(ERR.autoBackupInProgress.code);
    expect(r.json.message).toBe(ERR.autoBackupInProgress.message);
    const list = await call(`/v2/backups?clusterId=${CLUSTER}`);
    expect(list.json.data.backups).toMatchObject([{ creationMethod: 'AUTO', status: 'CREATING' }]);
    expect(s.backups()).toHaveLength(1);
  });
});

describe('jobs and backup status', () => {
  it('goes to SUCCESSFUL with string progress and an AVAILABLE backup', async () => {
    // Long enough to be seen running between checks 60 ms apart, on a busy machine too.
    await start({ jobDurationMs: 1_500 });
    const { backupId, jobId } = (await create(cluster)).json.data;
    const seen: { status: string; progress: string; endTime: string }[] = [];
    const final = await until(
      () => call(`/v2/jobs/${jobId}`),
      (r) => {
        seen.push(r.json.data);
        return r.json.data.status === 'SUCCESSFUL';
      },
    );
    const running = seen.filter((j) => j.status === 'PENDING' || j.status === 'IN_PROGRESS');
    expect(running.length).toBeGreaterThan(0);
    for (const j of running) {
      expect(j.progress).toMatch(/^\d{1,2}$/);
      expect(j.endTime).toBe('');
    }
    const progress = seen.map((j) => Number(j.progress));
    expect(progress).toEqual([...progress].sort((a, b) => a - b));
    expect(final.json.data).toMatchObject({
      jobId,
      type: 'BACKUP',
      progress: '100',
      reason: '',
      startTime: expect.stringMatching(ISO),
      endTime: expect.stringMatching(ISO),
    });
    const d = await call(`/v2/clusters/${CLUSTER}/backups/${backupId}`);
    expect(d.json.data).toMatchObject({
      clusterId: CLUSTER,
      clusterName: 'Dedicated-01',
      backupId,
      backupType: 'CLUSTER',
      creationMethod: 'MANUAL',
      status: 'AVAILABLE',
      regionId: 'aws-us-west-2',
      createTime: expect.stringMatching(ISO),
    });
    expect(d.json.data.size).toBeGreaterThan(0);
    // CLUSTER backups cover every collection of every database (3 in default, 2 in shop).
    expect(d.json.data.collections).toHaveLength(5);
  });

  it('FAILED: the job carries the reason; the backup is DELETED and unlisted', async () => {
    const s = await start({ jobOutcome: 'FAILED', failureReason: 'disk full' });
    const { backupId, jobId } = (await create(cluster)).json.data;
    const job = await until(
      () => call(`/v2/jobs/${jobId}`),
      (r) => r.json.data.status !== 'PENDING' && r.json.data.status !== 'IN_PROGRESS',
    );
    expect(job.json.data).toMatchObject({ status: 'FAILED', reason: 'disk full' });
    expect(job.json.data.endTime).toMatch(ISO);
    const d = await call(`/v2/clusters/${CLUSTER}/backups/${backupId}`);
    expect(d.json.data.status).toBe('DELETED');
    expect((await call('/v2/backups')).json.data.count).toBe(0);
    expect(s.jobs()[0]?.status).toBe('FAILED');
    expect((await create(cluster)).json.code).toBe(0); // no longer blocks the cluster
  });

  it('availableDelayMs keeps the backup CREATING after its job succeeded', async () => {
    // CREATING long enough to be seen after the job's end, on a busy machine too.
    await start({ jobDurationMs: 100, availableDelayMs: 1_500 });
    const { backupId, jobId } = (await create(cluster)).json.data;
    const describe = () => call(`/v2/clusters/${CLUSTER}/backups/${backupId}`);
    await until(
      () => call(`/v2/jobs/${jobId}`),
      (r) => r.json.data.status === 'SUCCESSFUL',
    );
    expect((await describe()).json.data.status).toBe('CREATING');
    await until(describe, (r) => r.json.data.status === 'AVAILABLE');
  });

  it('switches describe backup to dbCollections; unknown job and backup are errors', async () => {
    await start({ collectionsField: 'dbCollections' });
    const { backupId } = (await create(collection(['orders'], 'shop'))).json.data;
    const d = await call(`/v2/clusters/${CLUSTER}/backups/${backupId}`);
    expect(d.json.data.collections).toBeUndefined();
    expect(d.json.data.dbCollections).toEqual([
      {
        dbName: 'shop',
        collections: [{ collectionName: 'orders', description: '', status: 'LOADED' }],
      },
    ]);
    const job = await call('/v2/jobs/job-doesnotexist0000000000');
    expect(job.status).toBe(200);
    expect(job.json.code).not.toBe(0);
    const other = await call(`/v2/clusters/${CLUSTER}/backups/backup9_000000000000000`);
    expect(other.json.code).not.toBe(0);
  });
});

describe('list backups', () => {
  it('filters, pages newest first and validates pageSize', async () => {
    await start({
      clusters: { 'in01-aaaaaaaaaaaaaaa': { name: 'Other' } },
      existingBackups: [
        { backupName: 'a1', creationMethod: 'AUTO' },
        { backupName: 'a2', creationMethod: 'AUTO', backupType: 'COLLECTION' },
        { backupName: 'm1', creationMethod: 'MANUAL' },
        { backupName: 'o1', clusterId: 'in01-aaaaaaaaaaaaaaa' },
      ],
    });
    const names = async (query: string) => {
      const r = await call(`/v2/backups${query}`);
      expect(r.json.code).toBe(0);
      return r.json.data.backups.map((b: { backupName: string }) => b.backupName);
    };
    expect(await names('')).toEqual(['o1', 'm1', 'a2', 'a1']);
    expect(await names(`?clusterId=${CLUSTER}`)).toEqual(['m1', 'a2', 'a1']);
    expect(await names('?creationMethod=MANUAL')).toEqual(['m1']);
    expect(await names('?backupType=COLLECTION')).toEqual(['a2']);
    const page = await call('/v2/backups?pageSize=3&currentPage=2');
    expect(page.json.data).toMatchObject({ count: 4, currentPage: 2, pageSize: 3 });
    expect(page.json.data.backups.map((b: { backupName: string }) => b.backupName)).toEqual(['a1']);
    expect((await call('/v2/backups')).json.data.pageSize).toBe(10);
    for (const q of ['pageSize=0', 'pageSize=101', 'pageSize=x']) {
      expect((await call(`/v2/backups?${q}`)).json.code, q).toBe(96008);
    }
    for (const q of ['creationMethod=BOTH', 'pagesize=10', 'status=AVAILABLE']) {
      expect((await call(`/v2/backups?${q}`)).json.code, q).toBe(80000);
    }
  });
});

describe('faults', () => {
  it('reset: the socket is destroyed and nothing is created', async () => {
    const s = await start({ faults: [{ route: 'createBackup', kind: 'reset' }] });
    await expect(create(cluster)).rejects.toThrow();
    expect(s.backups()).toHaveLength(0);
    expect(s.requests[0]?.fault).toBe('reset');
    expect(s.requests[0]?.status).toBeUndefined();
    expect((await create(cluster)).json.code).toBe(0); // used up
  });

  it('hang: no reply until the client gives up; close() still ends quickly', async () => {
    const s = await start({ faults: [{ route: '*', kind: 'hang' }] });
    const err = await call('/v2/backups', { signal: AbortSignal.timeout(200) }).catch(
      (e: unknown) => e,
    );
    expect((err as Error).name).toBe('TimeoutError');
    s.configure({ faults: [{ route: 'listBackups', kind: 'hang' }] });
    const pending = call('/v2/backups').catch((e: unknown) => e);
    await until(
      async () => s.requests.length,
      (n) => n === 2,
    );
    const t0 = performance.now();
    await s.close();
    // Without closing it, close() would wait for the hung request for ever.
    expect(performance.now() - t0).toBeLessThan(BUSY_MS);
    expect(await pending).toBeInstanceOf(Error);
  });

  it('commitThenDrop: the create is processed but the reply is lost', async () => {
    const s = await start({ faults: [{ route: 'createBackup', kind: 'commitThenDrop' }] });
    await expect(create(cluster)).rejects.toThrow();
    expect(s.backups()).toHaveLength(1);
    expect(s.jobs()).toHaveLength(1);
    expect(s.requests[0]?.fault).toBe('commitThenDrop');
    expect((await create(cluster)).json.code).toBe(ERR.manualBackupInProgress.code);
  });

  it('status: HTML 5xx and JSON 429 with Retry-After, for `times` requests', async () => {
    await start({
      faults: [
        { route: 'listBackups', kind: 'status', status: 502 },
        { route: 'listBackups', kind: 'status', status: 429, retryAfter: '2', times: 2 },
      ],
    });
    const r502 = await call('/v2/backups');
    expect(r502.status).toBe(502);
    expect(r502.headers.get('content-type')).toBe('text/html');
    expect(r502.json).toBeUndefined();
    for (let i = 0; i < 2; i++) {
      const r = await call('/v2/backups');
      expect(r.status).toBe(429);
      expect(r.headers.get('retry-after')).toBe('2');
      expect(r.json.code).toBe(429);
    }
    expect((await call('/v2/backups')).status).toBe(200);
    expect(sim!.requests.map((r) => r.fault)).toEqual(['status', 'status', 'status', undefined]);
  });

  it('nonJson, businessError and delay', async () => {
    const s = await start({
      faults: [
        { route: 'describeJob', kind: 'nonJson' },
        { route: 'listBackups', kind: 'businessError', code: 65535, message: 'busy' },
        { route: 'createBackup', kind: 'delay', delayMs: 300 },
      ],
    });
    const nonJson = await call('/v2/jobs/job-x');
    expect(nonJson.status).toBe(200);
    expect(nonJson.json).toBeUndefined();
    expect(nonJson.text).toContain('<html>');
    expect((await call('/v2/backups')).json).toEqual({ code: 65535, message: 'busy' });
    const t0 = performance.now();
    const delayed = await create(cluster);
    expect(performance.now() - t0).toBeGreaterThanOrEqual(300 - CLOCK_MS);
    expect(delayed.json.code).toBe(0);
    expect(s.backups()).toHaveLength(1);
  });
});

describe('admin routes', () => {
  it('GET /__sim/state and POST /__sim/scenario need no key and are not recorded', async () => {
    const s = await start();
    await create(cluster);
    const state = (await fetch(`${s.url}/__sim/state`).then((r) => r.json())) as Record<
      string,
      unknown[]
    >;
    expect(state.backups).toHaveLength(1);
    expect(state.jobs).toHaveLength(1);
    expect(state.requests).toHaveLength(1);
    const post = await fetch(`${s.url}/__sim/scenario`, {
      method: 'POST',
      body: JSON.stringify({ faults: [{ route: 'listBackups', kind: 'status', status: 503 }] }),
    });
    expect(post.status).toBe(200);
    expect((await call('/v2/backups')).status).toBe(503);
    const bad = await fetch(`${s.url}/__sim/scenario`, {
      method: 'POST',
      body: JSON.stringify({ faults: [{ kind: 'explode' }] }),
    });
    expect(bad.status).toBe(400);
    expect(s.requests.map((r) => r.route)).toEqual(['createBackup', 'listBackups']);
  });
});

describe('cli', () => {
  it('starts, writes the ready file, serves, and exits cleanly on SIGTERM', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'zsim-'));
    const readyFile = join(dir, 'url');
    const child = startScript(join(ROOT, 'simulator', 'cli.ts'), [
      '--port',
      '0',
      '--job-ms',
      '100',
      '--ready-file',
      readyFile,
    ]);
    try {
      // Waits as long as a busy machine may take to start Node (the test's own timeout is the
      // limit): the ready file, and the line on stdout printed just before it.
      const url = (
        await until(
          () => readFile(readyFile, 'utf8').catch(() => ''),
          (t) => t.endsWith('\n'),
          50_000,
        )
      ).trim();
      await until(
        async () => child.output.stdout,
        (stdout) => stdout.includes('\n'),
        50_000,
      );
      expect(child.output.stdout).toContain(`zilliz-simulator listening on ${url} (api key: `);
      const r = await fetch(`${url}/v2/backups`, {
        headers: { authorization: 'Bearer sim-key-0123456789abcdef' },
      });
      expect(((await r.json()) as { code: number }).code).toBe(0);
      child.process.kill('SIGTERM');
      expectExit(await child.exited, 0);
    } finally {
      child.process.kill('SIGKILL');
      await rm(dir, { recursive: true, force: true });
    }
  });
});
