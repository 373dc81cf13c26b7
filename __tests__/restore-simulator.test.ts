// The simulator's restore and cluster routes, over real HTTP: both spellings of the contested
// restore fields, refusals, RESTORE jobs on a scripted timeline, new clusters, paging, faults.
import { describe, expect, it } from 'vitest';
import { checkScenarioInput } from '../simulator/scenario.ts';
import { DEFAULT_CLUSTER_ID as CLUSTER, DEFAULT_PROJECT_ID } from '../simulator/server.ts';
import { useSimulator } from './helpers/sim.ts';

const BACKUP = 'backup2_aa00bb11cc22dd3';
const CLUSTER_BACKUP = 'backup3_ee44ff55aa66bb7';
// RESTORE jobs long enough to be seen running, and a target being restored, however long a busy
// machine takes between two calls.
const sim = useSimulator({
  restoreJobDurationMs: 1_500,
  existingBackups: [
    {
      backupId: BACKUP,
      backupType: 'COLLECTION',
      collections: [{ dbName: 'shop', collectionNames: ['orders', 'items'] }],
    },
    { backupId: CLUSTER_BACKUP, backupType: 'CLUSTER' },
  ],
});

// eslint-disable-next-line @typescript-eslint/no-explicit-any
async function call(path: string, body?: unknown): Promise<{ status: number; json: any }> {
  const res = await fetch(sim().url + path, {
    method: body === undefined ? 'GET' : 'POST',
    headers: { authorization: `Bearer ${sim().apiKey}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, json: text ? JSON.parse(text) : undefined };
}

const restoreCollection = (body: unknown, backupId = BACKUP) =>
  call(`/v2/clusters/${CLUSTER}/backups/${backupId}/restoreCollection`, body);
const restoreCluster = (body: unknown, backupId = CLUSTER_BACKUP) =>
  call(`/v2/clusters/${CLUSTER}/backups/${backupId}/restoreCluster`, body);

function collectionBody(spelling: 'dest' | 'target', collection: string, target: string) {
  return {
    [`${spelling}ClusterId`]: CLUSTER,
    dbCollections: [
      {
        dbName: 'shop',
        [`${spelling}DbName`]: 'shop',
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

/** Asks `path` until `done` holds for its reply, 60 ms apart (under the simulated rate limit). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
async function callUntil(path: string, done: (json: any) => boolean) {
  for (;;) {
    const reply = await call(path);
    if (done(reply.json)) return reply;
    await new Promise((resolve) => setTimeout(resolve, 60));
  }
}

describe('Describe backup', () => {
  it('names the backed-up collections in either form', async () => {
    const flat = await call(`/v2/clusters/${CLUSTER}/backups/${BACKUP}`);
    expect(
      flat.json.data.collections.map((c: { collectionName: string }) => c.collectionName),
    ).toEqual(['orders', 'items']);
    sim().configure({ collectionsField: 'dbCollections' });
    const grouped = await call(`/v2/clusters/${CLUSTER}/backups/${BACKUP}`);
    expect(grouped.json.data.dbCollections).toMatchObject([
      { dbName: 'shop', collections: [{ collectionName: 'orders' }, { collectionName: 'items' }] },
    ]);
  });
});

describe('Restore collection', () => {
  it.each(['dest', 'target'] as const)(
    'accepts the %s* spelling and starts a RESTORE job',
    async (spelling) => {
      const reply = await restoreCollection(
        collectionBody(spelling, 'orders', `orders_${spelling}`),
      );
      expect(reply.json.code).toBe(0);
      const job = await call(`/v2/jobs/${reply.json.data.jobId}`);
      expect(job.json.data).toMatchObject({ type: 'RESTORE' });
      expect(sim().clusters()[CLUSTER]?.databases.shop).toContain(`orders_${spelling}`);
    },
  );

  it('refuses a target name that exists, and one that is being restored', async () => {
    const exists = await restoreCollection(collectionBody('dest', 'orders', 'items'));
    expect(exists.json).toEqual({
      code: 96039,
      message: 'Failed to restore collection: collection items already exists in database shop.',
    });
    expect((await restoreCollection(collectionBody('dest', 'orders', 'o2'))).json.code).toBe(0);
    expect((await restoreCollection(collectionBody('dest', 'items', 'o2'))).json.code).toBe(96039);
    expect(sim().jobs()).toHaveLength(1);
  });

  it('refuses a collection the backup does not hold, a backup not AVAILABLE, two collections at once', async () => {
    expect((await restoreCollection(collectionBody('dest', 'users', 'u2'))).json.code).toBe(90001);
    sim().configure({
      existingBackups: [
        { backupId: 'backup4_creating', backupType: 'COLLECTION', status: 'CREATING' },
      ],
    });
    const creating = await restoreCollection(
      collectionBody('dest', 'orders', 'o3'),
      'backup4_creating',
    );
    expect(creating.json.message).toContain('is CREATING');
    const two = collectionBody('dest', 'orders', 'o4');
    two.dbCollections[0]!.collections.push({ collectionName: 'items' } as never);
    expect((await restoreCollection(two)).json.code).toBe(96037);
    expect(sim().jobs()).toHaveLength(0);
  });

  it('runs RESTORE jobs on the scripted timeline, with the scripted failures', async () => {
    sim().configure({ restoreOutcomes: ['FAILED'], restoreFailureReason: 'disk full' });
    const failing = await restoreCollection(collectionBody('dest', 'orders', 'a1'));
    const passing = await restoreCollection(collectionBody('dest', 'items', 'a2'));
    const early = await call(`/v2/jobs/${failing.json.data.jobId}`);
    expect(['PENDING', 'IN_PROGRESS']).toContain(early.json.data.status);
    const ended = (json: { data: { status: string } }) =>
      !['PENDING', 'IN_PROGRESS'].includes(json.data.status);
    expect((await callUntil(`/v2/jobs/${failing.json.data.jobId}`, ended)).json.data).toMatchObject(
      {
        status: 'FAILED',
        reason: 'disk full',
      },
    );
    expect((await callUntil(`/v2/jobs/${passing.json.data.jobId}`, ended)).json.data.status).toBe(
      'SUCCESSFUL',
    );
  });
});

describe('Restore cluster, List clusters, Describe cluster', () => {
  const body = { clusterName: 'restored-1', cuSize: 2, collectionStatus: 'KEEP' };

  it.each(['projectId', 'targetProjectId'])(
    'makes a new cluster (%s), CREATING until its job ends',
    async (field) => {
      const reply = await restoreCluster({ ...body, [field]: DEFAULT_PROJECT_ID });
      expect(reply.json.code).toBe(0);
      const { clusterId, username, password, jobId } = reply.json.data;
      expect(clusterId).toMatch(/^in01-[0-9a-f]{15}$/);
      expect(username).toBe('db_admin');
      expect(password.length).toBeGreaterThan(8);
      expect((await call(`/v2/jobs/${jobId}`)).json.data.type).toBe('RESTORE');
      expect((await call(`/v2/clusters/${clusterId}`)).json.data).toMatchObject({
        clusterName: 'restored-1',
        cuSize: 2,
        status: 'CREATING',
      });
      const running = await callUntil(
        `/v2/clusters/${clusterId}`,
        (json) => json.data.status !== 'CREATING',
      );
      expect(running.json.data.status).toBe('RUNNING');
      expect(sim().clusters()[clusterId]?.databases).toEqual(sim().clusters()[CLUSTER]?.databases);
    },
  );

  it('refuses a taken name, a collection backup and a bad size', async () => {
    const ok = { ...body, projectId: DEFAULT_PROJECT_ID };
    expect((await restoreCluster({ ...ok, clusterName: 'Dedicated-01' })).json.code).toBe(96040);
    expect((await restoreCluster(ok, BACKUP)).json.code).toBe(96037);
    expect((await restoreCluster({ ...ok, cuSize: 0 })).json.code).toBe(96037);
    expect((await call('/v2/clusters/in01-nope')).json.code).toBe(80020);
  });

  it('lists clusters page by page', async () => {
    for (const name of ['r1', 'r2', 'r3']) {
      await restoreCluster({ ...body, clusterName: name, projectId: DEFAULT_PROJECT_ID });
    }
    const names: string[] = [];
    for (let page = 1; page <= 3; page++) {
      const reply = await call(`/v2/clusters?pageSize=2&currentPage=${page}`);
      names.push(...reply.json.data.clusters.map((c: { clusterName: string }) => c.clusterName));
    }
    expect(names).toEqual(['Dedicated-01', 'Serverless-01', 'r1', 'r2', 'r3']);
    expect((await call('/v2/clusters?pageSize=101')).json.code).toBe(80000);
  });

  it('has faults on every new route: commitThenDrop makes the cluster, status faults reply', async () => {
    sim().configure({
      faults: [
        { route: 'restoreCluster', kind: 'commitThenDrop' },
        { route: 'listClusters', kind: 'status', status: 429, retryAfter: '1' },
        { route: 'describeCluster', kind: 'status', status: 503 },
        { route: 'restoreCollection', kind: 'status', status: 502 },
      ],
    });
    await expect(restoreCluster({ ...body, projectId: DEFAULT_PROJECT_ID })).rejects.toThrow();
    expect(Object.values(sim().clusters()).map((c) => c.name)).toContain('restored-1');
    expect((await fetch(`${sim().url}/v2/clusters`)).status).toBe(429);
    expect((await fetch(`${sim().url}/v2/clusters/${CLUSTER}`)).status).toBe(503);
    const restore = await fetch(
      `${sim().url}/v2/clusters/${CLUSTER}/backups/${BACKUP}/restoreCollection`,
      {
        method: 'POST',
        body: JSON.stringify(collectionBody('dest', 'orders', 'x')),
      },
    );
    expect(restore.status).toBe(502);
    expect(sim().requests.map((r) => r.fault)).toEqual([
      'commitThenDrop',
      'status',
      'status',
      'status',
    ]);
  });

  it('checks scenario files for the new routes and fields', () => {
    expect(() =>
      checkScenarioInput({
        faults: [{ route: 'listClusters', kind: 'reset' }],
        restoreOutcomes: ['FAILED'],
      }),
    ).not.toThrow();
    expect(() =>
      checkScenarioInput({ faults: [{ route: 'deleteEverything', kind: 'reset' }] }),
    ).toThrow();
    expect(() => checkScenarioInput({ restoreOutcomes: ['MAYBE'] })).toThrow(/restoreOutcomes/);
  });
});
