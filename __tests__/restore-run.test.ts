// The restore action's run() end to end in this process, against the simulator over real HTTP:
// collection backups (all, a subset, rename, suffix, suffix '', refusals, a failing job, the
// timeout, lost replies) and cluster backups (a new cluster, exactly one, ever).
import { describe, expect, it } from 'vitest';
import { run } from '../src/restore/main.ts';
import {
  DEFAULT_CLUSTER_ID,
  DEFAULT_PROJECT_ID,
  type ExistingBackup,
  type ScenarioInput,
} from '../simulator/server.ts';
import type { Inputs } from '../scripts/runner.ts';
import { runInProcess } from './helpers/inprocess.ts';
import { useSimulator } from './helpers/sim.ts';

const BACKUP = 'backup7_0a1b2c3d4e5f6a7';
const CLUSTER_BACKUP = 'backup8_7a6f5e4d3c2b1a0';
const OTHER_CLUSTER = 'in01-9f8e7d6c5b4a321';

const collectionBackup = (collections: string[], dbName = 'shop'): ExistingBackup => ({
  backupId: BACKUP,
  backupType: 'COLLECTION',
  creationMethod: 'MANUAL',
  collections: [{ dbName, collectionNames: collections }],
});

const sim = useSimulator({
  restoreJobDurationMs: 300,
  // The schema's form, which names the database; the flat form is tested on its own.
  collectionsField: 'dbCollections',
  existingBackups: [
    collectionBackup(['orders', 'items']),
    { backupId: CLUSTER_BACKUP, backupType: 'CLUSTER', creationMethod: 'MANUAL' },
  ],
});

const restore = (inputs: Inputs, scenario: ScenarioInput = {}) => {
  sim().configure(scenario);
  return runInProcess(sim(), { 'backup-id': BACKUP, ...inputs }, {}, run);
};
const requests = (route: string) => sim().requests.filter((r) => r.route === route);
const restoreJobs = () =>
  sim()
    .jobs()
    .filter((j) => j.type === 'RESTORE');
const restored = (outputs: Record<string, string>) =>
  JSON.parse(outputs.restored ?? '[]') as Record<string, string | null>[];
const shop = () => sim().clusters()[DEFAULT_CLUSTER_ID]?.databases.shop;

describe('a collection backup', () => {
  it.each([
    ['dbCollections', {}],
    ['collections', { database: 'shop' }],
  ] as const)(
    'restores all its collections, one at a time, read from Describe backup (%s form)',
    async (collectionsField, inputs) => {
      const result = await restore(inputs, { collectionsField });
      expect(result.failed).toBe(false);
      const jobs = restoreJobs();
      expect(jobs.map((j) => j.status)).toEqual(['SUCCESSFUL', 'SUCCESSFUL']);
      // The second restore started only after the first job had ended.
      const [first, second] = requests('restoreCollection');
      expect(second!.receivedAt).toBeGreaterThanOrEqual(jobs[0]!.createdAt + 300);
      expect(first?.body).toEqual({
        destClusterId: DEFAULT_CLUSTER_ID,
        dbCollections: [
          {
            dbName: 'shop',
            destDbName: 'shop',
            collections: [
              {
                collectionName: 'orders',
                destCollectionName: 'orders_restored',
                destCollectionStatus: 'LOADED',
              },
            ],
          },
        ],
      });
      expect(shop()).toEqual(['orders', 'items', 'orders_restored', 'items_restored']);
      expect(result.outputs.status).toBe('SUCCESSFUL');
      expect(JSON.parse(result.outputs.jobIds ?? '')).toEqual(jobs.map((j) => j.jobId));
      expect(restored(result.outputs)).toEqual([
        {
          database: 'shop',
          source: 'orders',
          target: 'orders_restored',
          jobId: jobs[0]?.jobId,
          status: 'SUCCESSFUL',
          verified: 'yes',
          rowCount: '80000',
        },
        {
          database: 'shop',
          source: 'items',
          target: 'items_restored',
          jobId: jobs[1]?.jobId,
          status: 'SUCCESSFUL',
          verified: 'yes',
          rowCount: '1200',
        },
      ]);
      expect(result.summary).toContain('<td>orders → orders_restored</td>');
      expect(result.summary).toContain('switch the application to them');
      expect(result.stdout).toContain('::notice title=Zilliz Cloud restore::');
    },
  );

  it('says to set database when the flat form names none and the backup is not in default', async () => {
    const result = await restore({ collections: 'orders' }, { collectionsField: 'collections' });
    expect(result.failed).toBe(true);
    expect(requests('restoreCollection')[0]?.body).toMatchObject({
      dbCollections: [{ dbName: 'default' }],
    });
    expect(result.stdout).toContain('set the database input');
  });

  it('restores a subset, unloaded, into another cluster and database', async () => {
    const result = await restore(
      {
        collections: 'items',
        load: 'false',
        'target-cluster-id': OTHER_CLUSTER,
        'target-database': 'staging',
      },
      { clusters: { [OTHER_CLUSTER]: { name: 'Dedicated-02', databases: { default: [] } } } },
    );
    expect(result.failed).toBe(false);
    expect(requests('restoreCollection')).toHaveLength(1);
    expect(requests('restoreCollection')[0]?.body).toMatchObject({
      destClusterId: OTHER_CLUSTER,
      dbCollections: [
        {
          dbName: 'shop',
          destDbName: 'staging',
          collections: [
            {
              collectionName: 'items',
              destCollectionName: 'items_restored',
              destCollectionStatus: 'UNLOADED',
            },
          ],
        },
      ],
    });
    expect(sim().clusters()[OTHER_CLUSTER]?.databases.staging).toEqual(['items_restored']);
    expect(restored(result.outputs)).toMatchObject([{ database: 'staging', source: 'items' }]);
  });

  it('names targets with rename pairs and with another suffix', async () => {
    const renamed = await restore({ rename: 'orders:orders_v1\nitems: items_v1' });
    expect(renamed.failed).toBe(false);
    const suffixed = await restore({ collections: 'orders', suffix: '_rollback' });
    expect(suffixed.failed).toBe(false);
    expect(shop()).toEqual(['orders', 'items', 'orders_v1', 'items_v1', 'orders_rollback']);
  });

  it("with suffix: '' restores under the original name a collection the migration dropped", async () => {
    const result = await restore(
      { collections: 'orders', suffix: '' },
      {
        clusters: {
          [DEFAULT_CLUSTER_ID]: { name: 'Dedicated-01', databases: { shop: ['items'] } },
        },
      },
    );
    expect(result.failed).toBe(false);
    expect(shop()).toEqual(['items', 'orders']);
    expect(restored(result.outputs)).toMatchObject([
      { source: 'orders', target: 'orders', status: 'SUCCESSFUL' },
    ]);
  });

  it('refuses a target that exists, naming the collection and the cluster and what to do', async () => {
    const result = await restore({ collections: 'orders', suffix: '' });
    expect(result.failed).toBe(true);
    expect(restoreJobs()).toHaveLength(0);
    expect(result.stdout).toContain(
      `::error::collection orders already exists in database shop of cluster ${DEFAULT_CLUSTER_ID}`,
    );
    expect(result.stdout).toContain('Restore under new names');
    expect(result.outputs.status).toBe('FAILED');
    expect(restored(result.outputs)).toMatchObject([
      { target: 'orders', jobId: null, status: 'FAILED' },
    ]);
  });

  it('refuses a backup that is not AVAILABLE, naming its status, before any restore', async () => {
    const result = await restore(
      { 'backup-id': 'backup9_creating0000000' },
      {
        existingBackups: [
          { backupId: 'backup9_creating0000000', backupType: 'COLLECTION', status: 'CREATING' },
        ],
      },
    );
    expect(result.failed).toBe(true);
    expect(result.stdout).toMatch(
      /::error::backup \S+ \(backup9_creating0000000\) of cluster \S+ is CREATING, not AVAILABLE/,
    );
    expect(requests('restoreCollection')).toHaveLength(0);
    expect(result.outputs.status).toBe('FAILED');
  });

  it('refuses a collection the backup does not hold, listing what it holds', async () => {
    const result = await restore({ collections: 'orders, nope' });
    expect(result.failed).toBe(true);
    expect(result.stdout).toContain(
      `collections: backup ${BACKUP} holds no "nope" (it holds: orders, items)`,
    );
    expect(requests('restoreCollection')).toHaveLength(0);
  });

  it('reports every problem that needs the backup at once, before any restore', async () => {
    const result = await restore({
      rename: 'orders:orders_v1',
      'project-id': 'proj-1',
      wait: 'false',
    });
    expect(result.failed).toBe(true);
    for (const text of [
      'project-id: only for a cluster backup',
      'rename: no target for items',
      'wait: false is accepted only with a single collection',
    ]) {
      expect(result.stdout).toContain(text);
    }
    expect(requests('restoreCollection')).toHaveLength(0);
  });

  it('checks every target name against the Milvus rule before any restore', async () => {
    const result = await restore({ suffix: '_'.repeat(250) });
    expect(result.failed).toBe(true);
    expect(result.stdout).toMatch(/target name "orders_+\.\.\." is longer than 255 characters/);
    // items + 250 underscores is exactly 255 characters: accepted.
    expect(result.stdout).not.toMatch(/target name "items/);
    expect(requests('restoreCollection')).toHaveLength(0);
  });

  it('stops at a job that fails midway: what was restored, what failed and why, what was not started', async () => {
    const result = await restore(
      { 'backup-id': 'backup3_three0000000000' },
      {
        restoreOutcomes: ['SUCCESSFUL', 'FAILED'],
        restoreFailureReason: 'quota <exceeded> & more',
        existingBackups: [
          {
            ...collectionBackup(['orders', 'items', 'users'], 'default'),
            backupId: 'backup3_three0000000000',
          },
        ],
      },
    );
    expect(result.failed).toBe(true);
    expect(requests('restoreCollection')).toHaveLength(2);
    expect(restored(result.outputs).map((r) => r.status)).toEqual([
      'SUCCESSFUL',
      'FAILED',
      'NOT_STARTED',
    ]);
    expect(JSON.parse(result.outputs.jobIds ?? '')).toHaveLength(2);
    expect(result.outputs.status).toBe('FAILED');
    expect(result.summary).toContain('FAILED: quota &lt;exceeded&gt; &amp; more');
    expect(result.summary).toContain('<td>users → users_restored</td>');
    expect(result.summary).toContain('NOT_STARTED');
    expect(result.stdout).toContain('::error::job job-');
  });

  it('times out while a job runs: TIMED_OUT, with the job id already set', async () => {
    const result = await restore(
      { collections: 'orders', timeout: '2s' },
      { restoreJobDurationMs: 60_000 },
    );
    expect(result.failed).toBe(true);
    expect(result.outputs.status).toBe('TIMED_OUT');
    expect(JSON.parse(result.outputs.jobIds ?? '')).toEqual([restoreJobs()[0]?.jobId]);
    expect(restored(result.outputs)).toMatchObject([{ status: 'TIMED_OUT' }]);
    expect(result.stdout).toContain('timeout');
  });

  it('with wait: false and one collection, returns once it has started', async () => {
    const result = await restore(
      { collections: 'orders', wait: 'false' },
      { restoreJobDurationMs: 60_000 },
    );
    expect(result.failed).toBe(false);
    expect(result.outputs.status).toBe('STARTED');
    expect(requests('describeJob')).toHaveLength(0);
  });

  it('never repeats a restore whose reply was lost: UNKNOWN, naming the target to check', async () => {
    const result = await restore(
      {},
      { faults: [{ route: 'restoreCollection', kind: 'commitThenDrop' }] },
    );
    expect(result.failed).toBe(true);
    expect(requests('restoreCollection')).toHaveLength(1);
    expect(restoreJobs()).toHaveLength(1);
    expect(result.outputs.status).toBe('UNKNOWN');
    expect(restored(result.outputs).map((r) => r.status)).toEqual(['UNKNOWN', 'NOT_STARTED']);
    expect(result.stdout).toContain(
      `check in the Zilliz Cloud console whether collection orders_restored exists in database shop of cluster ${DEFAULT_CLUSTER_ID}`,
    );
  });

  it('a 5xx on a restore is a lost reply too; a 429 is retried', async () => {
    const unknown = await restore(
      { collections: 'orders' },
      { faults: [{ route: 'restoreCollection', kind: 'status', status: 502 }] },
    );
    expect(unknown.outputs.status).toBe('UNKNOWN');
    expect(requests('restoreCollection')).toHaveLength(1);
    const retried = await restore(
      { collections: 'items' },
      { faults: [{ route: 'restoreCollection', kind: 'status', status: 429, retryAfter: '0' }] },
    );
    expect(retried.failed).toBe(false);
    expect(requests('restoreCollection')).toHaveLength(3);
    expect(restoreJobs()).toHaveLength(1);
  });

  it('retries 429 and 5xx on Describe backup and Describe job', async () => {
    const result = await restore(
      { collections: 'orders' },
      {
        faults: [
          { route: 'describeBackup', kind: 'status', status: 503, retryAfter: '0' },
          { route: 'describeJob', kind: 'status', status: 429, retryAfter: '0' },
          { route: 'describeJob', kind: 'status', status: 500 },
        ],
      },
    );
    expect(result.failed).toBe(false);
    expect(requests('describeBackup').map((r) => r.status)).toEqual([503, 200]);
    expect(
      requests('describeJob')
        .slice(0, 2)
        .map((r) => r.status),
    ).toEqual([429, 500]);
  });

  it('refuses bad inputs at once, before any request', async () => {
    const result = await restore({
      'backup-id': 'latest',
      suffix: 'a-b',
      rename: 'x',
      'cu-size': '0',
    });
    expect(result.failed).toBe(true);
    expect(sim().requests).toHaveLength(0);
    for (const text of [
      'backup-id: "latest" is not accepted',
      'suffix: "a-b" may contain only letters, digits and underscores',
      'rename: "x" is not a source:target pair',
      'cu-size: "0" is not a whole number from 1 to 1024',
    ]) {
      expect(result.stdout).toContain(text);
    }
  });
});

describe('a cluster backup', () => {
  const clusterInputs = {
    'backup-id': CLUSTER_BACKUP,
    'project-id': DEFAULT_PROJECT_ID,
    'cluster-name': 'rollback-1',
  };
  const newClusters = () =>
    Object.entries(sim().clusters()).filter(([, c]) => c.name === 'rollback-1');

  it('restores into one new cluster of the source size, with its credentials as outputs', async () => {
    const result = await restore(clusterInputs, {
      clusters: { [DEFAULT_CLUSTER_ID]: { name: 'Dedicated-01', cuSize: 4 } },
    });
    expect(result.failed).toBe(false);
    expect(requests('restoreCluster')[0]?.body).toEqual({
      projectId: DEFAULT_PROJECT_ID,
      clusterName: 'rollback-1',
      cuSize: 4,
      collectionStatus: 'KEEP',
    });
    const [[clusterId] = []] = newClusters();
    expect(newClusters()).toHaveLength(1);
    expect(result.outputs).toMatchObject({ clusterId, username: 'db_admin', status: 'SUCCESSFUL' });
    expect(result.outputs.password).toMatch(/^Pw/);
    expect(restored(result.outputs)).toEqual([
      {
        clusterId,
        clusterName: 'rollback-1',
        jobId: restoreJobs()[0]?.jobId,
        status: 'SUCCESSFUL',
      },
    ]);
    expect(result.summary).toContain(`<td>${clusterId}</td>`);
    expect(result.summary).toContain('new cluster&#39;s endpoint');
    expect(result.summary).not.toContain(result.outputs.password);
    expect(result.stdout.split(`::add-mask::${result.outputs.password}`).join('')).not.toContain(
      result.outputs.password,
    );
  });

  it('requires project-id and cluster-name, and refuses the collection inputs', async () => {
    const result = await restore({ 'backup-id': CLUSTER_BACKUP, collections: 'orders' });
    expect(result.failed).toBe(true);
    for (const text of [
      'project-id: is required',
      'cluster-name: is required',
      'collections: only for a collection backup',
    ]) {
      expect(result.stdout).toContain(text);
    }
    expect(requests('restoreCluster')).toHaveLength(0);
  });

  it('refuses a cluster name that exists', async () => {
    const result = await restore({
      ...clusterInputs,
      'cluster-name': 'Dedicated-01',
      'cu-size': '2',
    });
    expect(result.failed).toBe(true);
    expect(result.stdout).toContain(
      `a cluster named Dedicated-01 already exists (${DEFAULT_CLUSTER_ID}`,
    );
    expect(requests('restoreCluster')).toHaveLength(0);
  });

  it('after a lost reply, adopts the cluster List clusters shows instead of making another', async () => {
    const result = await restore(clusterInputs, {
      faults: [{ route: 'restoreCluster', kind: 'commitThenDrop' }],
    });
    expect(result.failed).toBe(false);
    expect(requests('restoreCluster')).toHaveLength(1);
    expect(newClusters()).toHaveLength(1);
    const [[clusterId] = []] = newClusters();
    expect(result.outputs.clusterId).toBe(clusterId);
    expect(result.outputs.password).toBeUndefined();
    expect(result.outputs.status).toBe('SUCCESSFUL');
    expect(result.stdout).toContain('reset the db_admin password');
    expect(requests('describeCluster').length).toBeGreaterThan(0);
  });

  it('after a 5xx whose request made nothing, List clusters proves it and the restore is sent again', async () => {
    const result = await restore(clusterInputs, {
      faults: [{ route: 'restoreCluster', kind: 'status', status: 503, retryAfter: '0' }],
    });
    expect(result.failed).toBe(false);
    expect(requests('restoreCluster').map((r) => r.status)).toEqual([503, 200]);
    expect(newClusters()).toHaveLength(1);
    expect(result.stdout).toContain(
      'nothing the restore into new cluster rollback-1 would make has appeared, so it is sent again',
    );
  });

  it('retries 429 and 5xx on Restore cluster, List clusters and Describe cluster', async () => {
    const result = await restore(clusterInputs, {
      faults: [
        { route: 'describeCluster', kind: 'status', status: 429, retryAfter: '0' },
        { route: 'listClusters', kind: 'status', status: 500 },
        { route: 'restoreCluster', kind: 'status', status: 429, retryAfter: '0' },
      ],
    });
    expect(result.failed).toBe(false);
    expect(requests('describeCluster')[0]?.status).toBe(429);
    expect(requests('listClusters')[0]?.status).toBe(500);
    expect(requests('restoreCluster').map((r) => r.status)).toEqual([429, 200]);
    expect(newClusters()).toHaveLength(1);
  });
});
