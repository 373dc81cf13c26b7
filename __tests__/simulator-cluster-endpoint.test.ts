// Each simulated cluster's own endpoint (Milvus REST v2), over real HTTP: the four routes, auth,
// reachability, faults, row counts after backups and restores, the restore field spellings, and
// the endpoint of a cluster made by Restore cluster.
import { describe, expect, it } from 'vitest';
import { checkScenarioInput } from '../simulator/scenario.ts';
import {
  DEFAULT_CLUSTER_ID as CLUSTER,
  DEFAULT_PROJECT_ID,
  DEFAULT_ROW_COUNT,
  type ScenarioInput,
} from '../simulator/server.ts';
import { bodyOf, readReply, until, type Reply } from './helpers/replies.ts';
import { simulatorPerTest, useSimulator } from './helpers/sim.ts';

const OTHER = 'in01-0a1b2c3d4e5f607';
const BYOC = 'in01-b10cb10cb10cb10';
const COLLECTION_BACKUP = 'backup7_c011ec7000000aa';
const CLUSTER_BACKUP = 'backup8_c1u57e7000000bb';

const SCENARIO: ScenarioInput = {
  restoreJobDurationMs: 150,
  clusters: {
    [OTHER]: {
      name: 'Dedicated-02',
      databases: { default: ['docs'], staging: [] },
      rowCounts: { default: { docs: 42 } },
      credentials: ['app:s3cret-app'],
    },
    [BYOC]: {
      name: 'Byoc-01',
      databases: { default: ['vectors'] },
      byoc: true,
      credentials: ['db_admin:byoc-pass'],
    },
  },
  existingBackups: [
    {
      backupId: COLLECTION_BACKUP,
      backupType: 'COLLECTION',
      collections: [{ dbName: 'shop', collectionNames: ['orders', 'items'] }],
    },
    { backupId: CLUSTER_BACKUP, backupType: 'CLUSTER' },
  ],
};

const sim = useSimulator(SCENARIO);
const startOwn = simulatorPerTest();

/** A reply without its headers: the routes' tests compare whole replies. */
type Seen = Omit<Reply, 'headers'>;

async function read(res: Response): Promise<Seen> {
  const { status, text, json } = await readReply(res);
  return { status, text, json };
}

/** A control-plane call with the API key. */
async function api(path: string, body?: unknown): Promise<Seen> {
  const res = await fetch(sim().url + path, {
    method: body === undefined ? 'GET' : 'POST',
    headers: { authorization: `Bearer ${sim().apiKey}`, 'content-type': 'application/json' },
    body: bodyOf(body),
  });
  return read(res);
}

/** A POST to a cluster endpoint's route; `token` null: no Authorization header. */
async function post(
  address: string,
  route: 'has' | 'list' | 'describe' | 'get_stats',
  body: unknown,
  token: string | null = sim().apiKey,
  signal?: AbortSignal,
): Promise<Seen> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (token !== null) headers.authorization = `Bearer ${token}`;
  const res = await fetch(`${address}/v2/vectordb/collections/${route}`, {
    method: 'POST',
    headers,
    body: bodyOf(body),
    signal,
  });
  return read(res);
}

const describeCluster = async (clusterId: string) =>
  (await api(`/v2/clusters/${clusterId}`)).json.data;

const jobEnded = (jobId: string) =>
  until(
    async () => (await api(`/v2/jobs/${jobId}`)).json.data.status as string,
    (s) => s === 'SUCCESSFUL' || s === 'FAILED',
    5_000,
  );

function restoreBody(
  spelling: 'dest' | 'target',
  collection: string,
  target: string,
  destClusterId = CLUSTER,
  destDbName = 'shop',
) {
  return {
    destClusterId,
    dbCollections: [
      {
        dbName: 'shop',
        destDbName,
        collections: [
          {
            collectionName: collection,
            [`${spelling}CollectionName`]: target,
            [`${spelling}CollectionStatus`]: 'LOADED',
          },
        ],
      },
    ],
  };
}

const restoreCollection = (body: unknown) =>
  api(`/v2/clusters/${CLUSTER}/backups/${COLLECTION_BACKUP}/restoreCollection`, body);

const names = (reply: Seen): string[] => reply.json.data;

describe('addresses', () => {
  it('gives each cluster a loopback endpoint of its own, in Describe cluster and List clusters', async () => {
    const own = await describeCluster(CLUSTER);
    const other = await describeCluster(OTHER);
    expect(own.connectAddress).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(other.connectAddress).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(own.connectAddress).not.toBe(other.connectAddress);
    expect(own.connectAddress).not.toBe(sim().url);
    expect(own.privateLinkAddress).toBe('');
    const listed = (await api('/v2/clusters?pageSize=100')).json.data.clusters;
    expect(listed.find((c: { clusterId: string }) => c.clusterId === OTHER).connectAddress).toBe(
      other.connectAddress,
    );
    expect(await sim().endpoint(CLUSTER)).toBe(own.connectAddress);
    // Each endpoint serves its own cluster.
    expect(names(await post(own.connectAddress, 'list', {}))).toEqual(['orders', 'items', 'users']);
    expect(names(await post(other.connectAddress, 'list', {}))).toEqual(['docs']);
  });

  it.each([
    ['privateLinkOnly', '', /^https:\/\/in01-b10cb10cb10cb10\.privatelink\..*\.invalid:19530$/],
    ['none', '', /^$/],
  ] as const)('%s: no connectAddress', async (endpoint, connect, privateLink) => {
    sim().configure({ clusters: { [BYOC]: { name: 'Byoc-01', endpoint } } });
    const c = await describeCluster(BYOC);
    expect(c.connectAddress).toBe(connect);
    expect(c.privateLinkAddress).toMatch(privateLink);
    expect(await sim().endpoint(BYOC)).toBe('');
  });

  it('refused: the address is a loopback port nothing listens on', async () => {
    sim().configure({ clusters: { [OTHER]: { name: 'Dedicated-02', endpoint: 'refused' } } });
    const address = (await describeCluster(OTHER)).connectAddress;
    expect(address).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const error = await post(address, 'list', {}).catch((e: unknown) => e);
    expect((error as { cause?: { code?: string } }).cause?.code).toBe('ECONNREFUSED');
    expect(sim().requests.filter((r) => r.clusterId)).toHaveLength(0);
  });

  it('close() closes every endpoint', async () => {
    const s = await startOwn({});
    const address = await s.endpoint(CLUSTER);
    expect((await post(address, 'has', { collectionName: 'orders' }, s.apiKey)).json.data).toEqual({
      has: true,
    });
    await s.close();
    const error = await post(address, 'list', {}, s.apiKey).catch((e: unknown) => e);
    expect((error as { cause?: { code?: string } }).cause?.code).toBe('ECONNREFUSED');
  });
});

describe('the four routes', () => {
  it('has, list, describe and get_stats, in the default database and another', async () => {
    const address = await sim().endpoint(CLUSTER);
    expect(await post(address, 'has', { collectionName: 'orders' })).toEqual({
      status: 200,
      text: '{"code":0,"data":{"has":true}}',
      json: { code: 0, data: { has: true } },
    });
    expect((await post(address, 'has', { dbName: 'shop', collectionName: 'users' })).json).toEqual({
      code: 0,
      data: { has: false },
    });
    expect(names(await post(address, 'list', { dbName: 'shop' }))).toEqual(['orders', 'items']);
    expect(names(await post(address, 'list', { dbName: '' }))).toEqual([
      'orders',
      'items',
      'users',
    ]);
    const described = await post(address, 'describe', { dbName: 'shop', collectionName: 'items' });
    expect(described.json).toMatchObject({
      code: 0,
      data: { collectionName: 'items', load: 'LoadStateLoaded', shardsNum: 1 },
    });
    expect(Number.isSafeInteger(described.json.data.collectionID)).toBe(true);
    expect((await post(address, 'get_stats', { collectionName: 'orders' })).json).toEqual({
      code: 0,
      data: { rowCount: 120_000 },
    });
    expect(
      (await post(address, 'get_stats', { dbName: 'shop', collectionName: 'orders' })).json.data,
    ).toEqual({ rowCount: 80_000 });
    // Unknown request fields are ignored, as Go's JSON decoding does; no body reads as {}.
    expect((await post(address, 'has', { collectionName: 'users', extra: 1 })).json.data.has).toBe(
      true,
    );
    expect(names(await post(address, 'list', ''))).toEqual(['orders', 'items', 'users']);
  });

  it('answers with the Milvus errors: unknown collection, unknown database, missing name, bad JSON', async () => {
    const address = await sim().endpoint(CLUSTER);
    for (const route of ['describe', 'get_stats'] as const) {
      expect(await post(address, route, { dbName: 'shop', collectionName: 'users' })).toMatchObject(
        {
          status: 200,
          json: { code: 100, message: 'collection not found[database=shop][collection=users]' },
        },
      );
    }
    for (const route of ['has', 'list', 'describe', 'get_stats'] as const) {
      expect((await post(address, route, { dbName: 'nope', collectionName: 'x' })).json).toEqual({
        code: 800,
        message: 'database not found[database=nope]',
      });
    }
    for (const route of ['has', 'describe', 'get_stats'] as const) {
      expect((await post(address, route, { collectionName: '' })).json.code).toBe(1802);
    }
    expect((await post(address, 'has', '{"collectionName": ')).json.code).toBe(1801);
    expect((await post(address, 'list', '[1]')).json.code).toBe(1801);
    expect((await post(address, 'list', { dbName: 7 })).json.code).toBe(1801);
    const unknown = await fetch(`${address}/v2/vectordb/collections/drop`, {
      method: 'POST',
      headers: { authorization: `Bearer ${sim().apiKey}` },
      body: '{}',
    });
    expect(unknown.status).toBe(404);
    const get = await fetch(`${address}/v2/vectordb/collections/list`, {
      headers: { authorization: `Bearer ${sim().apiKey}` },
    });
    expect(get.status).toBe(404);
    expect(sim().requests.filter((r) => r.route === 'unknown')).toHaveLength(2);
  });

  it('the default database exists even when the scenario lists none', async () => {
    sim().configure({
      clusters: { [OTHER]: { name: 'Dedicated-02', databases: { shop: ['a'] } } },
    });
    const address = await sim().endpoint(OTHER);
    expect((await post(address, 'list', {})).json).toEqual({ code: 0, data: [] });
    expect((await post(address, 'has', { collectionName: 'a' })).json.data.has).toBe(false);
    expect(sim().collections(OTHER, 'shop')).toEqual([
      { collectionName: 'a', rowCount: DEFAULT_ROW_COUNT, loaded: true },
    ]);
  });

  it('older Milvus: code 200 on success, errors unchanged', async () => {
    sim().configure({ clusters: { [OTHER]: { name: 'Dedicated-02', successCode: 200 } } });
    const address = await sim().endpoint(OTHER);
    expect((await post(address, 'get_stats', { collectionName: 'docs' })).json).toEqual({
      code: 200,
      data: { rowCount: 42 },
    });
    expect((await post(address, 'get_stats', { collectionName: 'x' })).json.code).toBe(100);
  });

  it('sim.putCollection and sim.dropCollection change what the endpoint shows', async () => {
    const address = await sim().endpoint(CLUSTER);
    sim().putCollection(CLUSTER, { collectionName: 'orders', rowCount: 7 });
    sim().putCollection(CLUSTER, {
      dbName: 'analytics',
      collectionName: 'events',
      rowCount: 9,
      loaded: false,
    });
    sim().dropCollection(CLUSTER, 'items', 'shop');
    expect((await post(address, 'get_stats', { collectionName: 'orders' })).json.data).toEqual({
      rowCount: 7,
    });
    expect(
      (await post(address, 'describe', { dbName: 'analytics', collectionName: 'events' })).json.data
        .load,
    ).toBe('LoadStateNotLoad');
    expect(names(await post(address, 'list', { dbName: 'shop' }))).toEqual(['orders']);
    expect(sim().collections(CLUSTER, 'analytics')).toEqual([
      { collectionName: 'events', rowCount: 9, loaded: false },
    ]);
    expect(() => sim().collections(CLUSTER, 'nope')).toThrow(/no database nope/);
    expect(() => sim().collections('in01-nope')).toThrow(/unknown cluster/);
  });
});

describe('auth', () => {
  it('takes the API key or a username:password the cluster knows; anything else is 401', async () => {
    const address = await sim().endpoint(OTHER);
    const body = { collectionName: 'docs' };
    expect((await post(address, 'has', body)).json.data.has).toBe(true);
    expect((await post(address, 'has', body, 'app:s3cret-app')).json.data.has).toBe(true);
    for (const token of [null, 'app:wrong', 'db_admin:byoc-pass', 'not-the-key']) {
      expect(await post(address, 'has', body, token)).toMatchObject({
        status: 401,
        json: { code: 1800, message: "user hasn't authenticated" },
      });
    }
  });

  it('a BYOC cluster refuses the API key and takes its username:password', async () => {
    const address = await sim().endpoint(BYOC);
    const body = { collectionName: 'vectors' };
    expect(await post(address, 'has', body)).toMatchObject({ status: 401, json: { code: 1800 } });
    expect(await post(address, 'has', body, 'db_admin:byoc-pass')).toMatchObject({
      status: 200,
      json: { code: 0, data: { has: true } },
    });
  });
});

describe('faults on the endpoint', () => {
  it('status, nonJson, businessError, commitThenReply and delay, recorded with the cluster they hit', async () => {
    const address = await sim().endpoint(CLUSTER);
    sim().configure({
      faults: [
        { route: 'collectionsHas', kind: 'status', status: 503 },
        { route: 'collectionsList', kind: 'status', status: 401 },
        { route: 'collectionsDescribe', kind: 'nonJson' },
        { route: 'collectionsGetStats', kind: 'businessError', code: 65535, message: 'busy' },
        { route: 'collectionsGetStats', kind: 'commitThenReply', body: '{"code":0}' },
        { route: 'collectionsHas', kind: 'delay', delayMs: 100 },
      ],
    });
    const body = { collectionName: 'orders' };
    const unavailable = await post(address, 'has', body);
    expect(unavailable.status).toBe(503);
    expect(unavailable.text).toContain('503 Service Unavailable');
    expect(await post(address, 'list', {})).toMatchObject({ status: 401, json: { code: 401 } });
    const html = await post(address, 'describe', body);
    expect([html.status, html.json]).toEqual([200, undefined]);
    expect((await post(address, 'get_stats', body)).json).toEqual({ code: 65535, message: 'busy' });
    expect((await post(address, 'get_stats', body)).json).toEqual({ code: 0 });
    const started = Date.now();
    expect((await post(address, 'has', body)).json.data).toEqual({ has: true });
    // The simulator waits delayMs before it replies (a timer it sets itself, started after
    // `started`); 90 leaves room for a timer measured by the wall clock firing a little early.
    expect(Date.now() - started).toBeGreaterThanOrEqual(90);
    const hit = sim().requests.filter((r) => r.clusterId === CLUSTER);
    expect(hit.map((r) => [r.route, r.fault, r.status])).toEqual([
      ['collectionsHas', 'status', 503],
      ['collectionsList', 'status', 401],
      ['collectionsDescribe', 'nonJson', 200],
      ['collectionsGetStats', 'businessError', 200],
      ['collectionsGetStats', 'commitThenReply', 200],
      ['collectionsHas', 'delay', 200],
    ]);
    expect(hit[0]?.path).toBe('/v2/vectordb/collections/has');
    expect(hit[0]?.body).toEqual(body);
  });

  it('reset and hang', async () => {
    const address = await sim().endpoint(CLUSTER);
    sim().configure({
      faults: [
        { route: 'collectionsList', kind: 'reset' },
        { route: 'collectionsList', kind: 'hang' },
      ],
    });
    const reset = await post(address, 'list', {}).catch((e: unknown) => e);
    expect(reset).toBeInstanceOf(Error);
    const abort = new AbortController();
    const hanging = post(address, 'list', {}, sim().apiKey, abort.signal).catch((e: unknown) => e);
    await until(
      async () => sim().requests.filter((r) => r.fault === 'hang').length,
      (n) => n === 1,
      5_000,
    );
    abort.abort();
    expect(((await hanging) as Error).name).toBe('AbortError');
    expect(sim().requests.map((r) => r.status)).toEqual([undefined, undefined]);
    // The queue is used up: the next request is answered.
    expect(names(await post(address, 'list', {}))).toEqual(['orders', 'items', 'users']);
  });

  it('clusterId picks one endpoint; collections* any endpoint route; * only the control plane', async () => {
    const own = await sim().endpoint(CLUSTER);
    const other = await sim().endpoint(OTHER);
    sim().configure({
      faults: [
        { route: 'collections*', clusterId: OTHER, kind: 'status', status: 502, times: 2 },
        { route: '*', kind: 'status', status: 500 },
      ],
    });
    expect((await post(own, 'list', {})).status).toBe(200);
    expect((await post(other, 'has', { collectionName: 'docs' })).status).toBe(502);
    expect((await post(other, 'get_stats', { collectionName: 'docs' })).status).toBe(502);
    expect((await post(other, 'get_stats', { collectionName: 'docs' })).status).toBe(200);
    expect((await api('/v2/clusters')).status).toBe(500);
    expect(sim().requests.map((r) => [r.clusterId, r.status])).toEqual([
      [CLUSTER, 200],
      [OTHER, 502],
      [OTHER, 502],
      [OTHER, 200],
      [undefined, 500],
    ]);
  });

  it('injected text reaches the endpoint replies too', async () => {
    sim().configure({ inject: { text: '::warning::x' } });
    const address = await sim().endpoint(CLUSTER);
    expect(names(await post(address, 'list', { dbName: 'shop' }))).toEqual([
      'orders::warning::x',
      'items::warning::x',
    ]);
  });

  it('the endpoint is not rate limited (the documented limit is the control plane’s)', async () => {
    sim().configure({ rateLimit: { perSecond: 1 } });
    const address = await sim().endpoint(CLUSTER);
    const replies = await Promise.all(
      Array.from({ length: 5 }, () => post(address, 'has', { collectionName: 'orders' })),
    );
    expect(replies.map((r) => r.status)).toEqual([200, 200, 200, 200, 200]);
  });
});

describe('row counts after backups and restores', () => {
  it('a backup records its collections’ rows when requested; Describe backup does not show them', async () => {
    const created = await api(`/v2/clusters/${CLUSTER}/backups/create`, {
      backupType: 'COLLECTION',
      dbCollections: [{ dbName: 'shop', collectionNames: ['orders'] }],
    });
    sim().putCollection(CLUSTER, { dbName: 'shop', collectionName: 'orders', rowCount: 1 });
    const backup = sim()
      .backups()
      .find((b) => b.backupId === created.json.data.backupId);
    expect(backup?.rowCounts).toEqual({ shop: { orders: 80_000 } });
    const cluster = sim()
      .backups()
      .find((b) => b.backupId === CLUSTER_BACKUP);
    expect(cluster?.rowCounts).toEqual({
      default: { orders: 120_000, items: 3_400, users: 560 },
      shop: { orders: 80_000, items: 1_200 },
    });
    const described = await api(`/v2/clusters/${CLUSTER}/backups/${created.json.data.backupId}`);
    expect(JSON.stringify(described.json)).not.toContain('80000');
  });

  it('a collection being restored is not on the endpoint yet, but its name is taken', async () => {
    // A job far longer than the test, so it is surely still running at every check.
    sim().configure({ restoreJobDurationMs: 60_000 });
    const address = await sim().endpoint(OTHER);
    const started = await restoreCollection(
      restoreBody('dest', 'orders', 'orders_pending', OTHER, 'staging'),
    );
    expect(started.json.code).toBe(0);
    const has = { dbName: 'staging', collectionName: 'orders_pending' };
    expect((await post(address, 'has', has)).json.data.has).toBe(false);
    expect((await post(address, 'get_stats', has)).json.code).toBe(100);
    expect(names(await post(address, 'list', { dbName: 'staging' }))).toEqual([]);
    expect(sim().collections(OTHER, 'staging')).toEqual([]);
    expect(sim().clusters()[OTHER]?.databases.staging).toEqual(['orders_pending']);
    // A second restore into the same name is refused while the first runs.
    const again = await restoreCollection(
      restoreBody('dest', 'items', 'orders_pending', OTHER, 'staging'),
    );
    expect(again.json.code).toBe(96039);
    // Nor is it a collection yet for a backup.
    const backup = await api(`/v2/clusters/${OTHER}/backups/create`, {
      backupType: 'COLLECTION',
      dbCollections: [{ dbName: 'staging', collectionNames: ['orders_pending'] }],
    });
    expect(backup.json.code).toBe(90001);
  });

  it('a restored collection appears once its job succeeds, with the backup’s rows', async () => {
    const address = await sim().endpoint(OTHER);
    const started = await restoreCollection(
      restoreBody('dest', 'orders', 'orders_restored', OTHER, 'staging'),
    );
    const has = { dbName: 'staging', collectionName: 'orders_restored' };
    expect(await jobEnded(started.json.data.jobId)).toBe('SUCCESSFUL');
    expect((await post(address, 'get_stats', has)).json.data).toEqual({ rowCount: 80_000 });
    expect((await post(address, 'describe', has)).json.data.load).toBe('LoadStateLoaded');
    expect(sim().collections(OTHER, 'staging')).toEqual([
      { collectionName: 'orders_restored', rowCount: 80_000, loaded: true },
    ]);
  });

  it('a backup’s own recorded rows are what a restore brings back', async () => {
    sim().configure({
      existingBackups: [
        {
          backupId: 'backup9_recorded0000000',
          backupType: 'COLLECTION',
          collections: [{ dbName: 'default', collectionNames: ['users'] }],
          rowCounts: { default: { users: 555 } },
        },
      ],
    });
    const started = await api(
      `/v2/clusters/${CLUSTER}/backups/backup9_recorded0000000/restoreCollection`,
      {
        destClusterId: CLUSTER,
        dbCollections: [
          {
            dbName: 'default',
            collections: [
              {
                collectionName: 'users',
                destCollectionName: 'users_v0',
                destCollectionStatus: 'UNLOADED',
              },
            ],
          },
        ],
      },
    );
    await jobEnded(started.json.data.jobId);
    expect(
      sim()
        .collections(CLUSTER)
        .find((c) => c.collectionName === 'users_v0'),
    ).toEqual({
      collectionName: 'users_v0',
      rowCount: 555,
      loaded: false,
    });
  });

  it('a failed restore leaves no collection and frees the name', async () => {
    sim().configure({ restoreOutcomes: ['FAILED'] });
    const failed = await restoreCollection(restoreBody('dest', 'orders', 'orders_x'));
    expect(await jobEnded(failed.json.data.jobId)).toBe('FAILED');
    expect(sim().clusters()[CLUSTER]?.databases.shop).toEqual(['orders', 'items']);
    const address = await sim().endpoint(CLUSTER);
    const has = { dbName: 'shop', collectionName: 'orders_x' };
    expect((await post(address, 'has', has)).json.data.has).toBe(false);
    const retried = await restoreCollection(restoreBody('dest', 'orders', 'orders_x'));
    expect(retried.json.code).toBe(0);
    await jobEnded(retried.json.data.jobId);
    expect((await post(address, 'has', has)).json.data.has).toBe(true);
  });
});

describe('the restore field spellings', () => {
  it.each([
    ['target', 'dest'],
    ['dest', 'target'],
  ] as const)(
    'honouring only %s* and ignoring %s*: into another cluster, the collection keeps its source name',
    async (honoured, sent) => {
      sim().configure({ restoreFieldSpelling: honoured, otherSpelling: 'ignore' });
      const started = await restoreCollection(
        restoreBody(sent, 'orders', 'orders_restored', OTHER, 'staging'),
      );
      expect(started.json.code).toBe(0);
      expect(await jobEnded(started.json.data.jobId)).toBe('SUCCESSFUL');
      const address = await sim().endpoint(OTHER);
      expect(names(await post(address, 'list', { dbName: 'staging' }))).toEqual(['orders']);
      // The status field was ignored too: the collection is left unloaded.
      expect(sim().collections(OTHER, 'staging')).toEqual([
        { collectionName: 'orders', rowCount: 80_000, loaded: false },
      ]);
    },
  );

  it('honouring only target* and ignoring dest*: into the same database, refused because the source name exists', async () => {
    sim().configure({ restoreFieldSpelling: 'target', otherSpelling: 'ignore' });
    const refused = await restoreCollection(restoreBody('dest', 'orders', 'orders_restored'));
    expect(refused.json).toEqual({
      code: 96039,
      message: 'Failed to restore collection: collection orders already exists in database shop.',
    });
    expect(sim().jobs()).toHaveLength(0);
  });

  it.each([
    ['target', 'dest'],
    ['dest', 'target'],
  ] as const)(
    'honouring only %s* and refusing %s*: refused as an unknown field',
    async (honoured, sent) => {
      sim().configure({ restoreFieldSpelling: honoured, otherSpelling: 'refuse' });
      const refused = await restoreCollection(restoreBody(sent, 'orders', 'orders_restored'));
      expect(refused.json).toEqual({
        code: 80000,
        message: `Incorrect parameter: unknown field dbCollections[0].collections[0].${sent}CollectionName`,
      });
      expect(sim().jobs()).toHaveLength(0);
    },
  );

  it('the honoured spelling restores under the requested name, destClusterId and destDbName always honoured', async () => {
    sim().configure({ restoreFieldSpelling: 'target', otherSpelling: 'refuse' });
    const started = await restoreCollection(
      restoreBody('target', 'orders', 'orders_restored', OTHER, 'staging'),
    );
    expect(started.json.code).toBe(0);
    await jobEnded(started.json.data.jobId);
    expect(sim().collections(OTHER, 'staging')).toEqual([
      { collectionName: 'orders_restored', rowCount: 80_000, loaded: true },
    ]);
    // targetClusterId is no documented spelling: refused here, ignored with otherSpelling ignore.
    const { destClusterId, ...rest } = restoreBody('target', 'items', 'items_restored', OTHER);
    const refused = await restoreCollection({ ...rest, targetClusterId: destClusterId });
    expect(refused.json.message).toBe('Incorrect parameter: unknown field targetClusterId');
    sim().configure({ otherSpelling: 'ignore' });
    const ignored = await restoreCollection({ ...rest, targetClusterId: destClusterId });
    expect(ignored.json).toMatchObject({
      code: 96037,
      message: expect.stringContaining('destClusterId'),
    });
  });
});

describe('a cluster made by Restore cluster', () => {
  const body = { projectId: DEFAULT_PROJECT_ID, clusterName: 'restored-1', cuSize: 1 };

  it('has no address while CREATING', async () => {
    // A job far longer than the test: the cluster is surely still CREATING at every check.
    sim().configure({ restoreJobDurationMs: 60_000 });
    const reply = await api(`/v2/clusters/${CLUSTER}/backups/${CLUSTER_BACKUP}/restoreCluster`, {
      ...body,
      collectionStatus: 'KEEP',
    });
    const creating = await describeCluster(reply.json.data.clusterId);
    expect(creating).toMatchObject({
      status: 'CREATING',
      connectAddress: '',
      privateLinkAddress: '',
    });
    expect(await sim().endpoint(reply.json.data.clusterId)).toBe('');
  });

  it('gets an endpoint once RUNNING, listing the backup’s collections with their rows, for db_admin and the API key', async () => {
    const reply = await api(`/v2/clusters/${CLUSTER}/backups/${CLUSTER_BACKUP}/restoreCluster`, {
      ...body,
      collectionStatus: 'KEEP',
    });
    const { clusterId, username, password, jobId } = reply.json.data;
    await jobEnded(jobId);
    const cluster = await describeCluster(clusterId);
    expect(cluster.status).toBe('RUNNING');
    expect(cluster.connectAddress).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const admin = `${username}:${password}`;
    expect(names(await post(cluster.connectAddress, 'list', {}, admin))).toEqual([
      'orders',
      'items',
      'users',
    ]);
    const stats = await post(
      cluster.connectAddress,
      'get_stats',
      { dbName: 'shop', collectionName: 'orders' },
      admin,
    );
    expect(stats.json.data).toEqual({ rowCount: 80_000 });
    expect(
      (await post(cluster.connectAddress, 'describe', { collectionName: 'users' }, admin)).json.data
        .load,
    ).toBe('LoadStateLoaded');
    expect((await post(cluster.connectAddress, 'list', {})).status).toBe(200);
    expect((await post(cluster.connectAddress, 'list', {}, 'db_admin:guess')).status).toBe(401);
    expect(sim().clusters()[clusterId]?.credentials).toEqual([admin]);
  });

  it('from a BYOC cluster: only the returned password works; RELEASE leaves collections unloaded', async () => {
    sim().configure({
      existingBackups: [{ clusterId: BYOC, backupId: 'backup1_byoc000000000000' }],
    });
    const reply = await api(
      `/v2/clusters/${BYOC}/backups/backup1_byoc000000000000/restoreCluster`,
      {
        ...body,
        collectionStatus: 'RELEASE',
      },
    );
    const { clusterId, username, password, jobId } = reply.json.data;
    await jobEnded(jobId);
    const address = (await describeCluster(clusterId)).connectAddress;
    expect((await post(address, 'list', {})).status).toBe(401);
    const admin = `${username}:${password}`;
    expect(names(await post(address, 'list', {}, admin))).toEqual(['vectors']);
    expect(
      (await post(address, 'describe', { collectionName: 'vectors' }, admin)).json.data.load,
    ).toBe('LoadStateNotLoad');
    expect(
      (await post(address, 'get_stats', { collectionName: 'vectors' }, admin)).json.data,
    ).toEqual({ rowCount: DEFAULT_ROW_COUNT });
  });

  it('inherits a private-link-only endpoint from its source', async () => {
    sim().configure({
      clusters: { [BYOC]: { name: 'Byoc-01', endpoint: 'privateLinkOnly' } },
      existingBackups: [{ clusterId: BYOC, backupId: 'backup1_byoc000000000000' }],
    });
    const reply = await api(
      `/v2/clusters/${BYOC}/backups/backup1_byoc000000000000/restoreCluster`,
      {
        ...body,
        collectionStatus: 'KEEP',
      },
    );
    await jobEnded(reply.json.data.jobId);
    const cluster = await describeCluster(reply.json.data.clusterId);
    expect([cluster.status, cluster.connectAddress]).toEqual(['RUNNING', '']);
    expect(cluster.privateLinkAddress).toContain('.invalid:');
  });
});

describe('scenario checks', () => {
  it('refuses nonsense in the new fields', () => {
    const cluster = (extra: object) => ({ clusters: { [OTHER]: { name: 'x', ...extra } } });
    expect(() => checkScenarioInput(cluster({ endpoint: 'vpn' }))).toThrow(/endpoint must be/);
    expect(() => checkScenarioInput(cluster({ credentials: ['nocolon'] }))).toThrow(/username/);
    expect(() => checkScenarioInput(cluster({ successCode: 1 }))).toThrow(/successCode/);
    expect(() => checkScenarioInput(cluster({ rowCounts: { default: { a: -1 } } }))).toThrow(
      /rowCounts/,
    );
    expect(() => checkScenarioInput({ restoreFieldSpelling: 'both-ish' } as never)).toThrow(
      /restoreFieldSpelling/,
    );
    expect(() => checkScenarioInput({ otherSpelling: 'shrug' } as never)).toThrow(/otherSpelling/);
    expect(() =>
      checkScenarioInput({ faults: [{ route: 'listClusters', clusterId: OTHER, kind: 'reset' }] }),
    ).toThrow(/endpoint routes only/);
    expect(() =>
      checkScenarioInput({ faults: [{ route: 'collections*', clusterId: OTHER, kind: 'reset' }] }),
    ).not.toThrow();
    expect(() =>
      sim().configure({
        clusters: {
          [OTHER]: { name: 'x', databases: { default: [] }, rowCounts: { default: { a: 1 } } },
        },
      }),
    ).toThrow(/default\.a is not in databases/);
  });
});
