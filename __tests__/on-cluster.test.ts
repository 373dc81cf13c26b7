// Seen on the cluster: the bundles, run as the runner runs them, check on each cluster's own
// endpoint what the control plane says. A restore is SUCCESSFUL only when its target is there
// under its name; a backup of a missing collection fails before any create; a cluster restore
// names what the new cluster lacks; and every verify mode ends as it should when the endpoint is
// unreachable, hangs, refuses the connection or refuses the key (BYOC), within the timeout.
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_CLUSTER_ID,
  DEFAULT_PROJECT_ID,
  type EndpointMode,
  type Fault,
  type ScenarioInput,
  type Simulator,
} from '../simulator/server.ts';
import { actionNamed, bundlePath } from '../scripts/actions.ts';
import type { Inputs } from '../scripts/runner.ts';
import { expectExit, runBundled, type TimedRun } from './helpers/children.ts';
import { simulatorPerTest } from './helpers/sim.ts';

const BACKUP_BUNDLE = bundlePath(actionNamed('backup'));
const RESTORE_BUNDLE = bundlePath(actionNamed('restore'));
const OTHER = 'in01-0a1b2c3d4e5f607';
const COLLECTION_BACKUP = 'backup7_c011ec7000000aa';
const CLUSTER_BACKUP = 'backup8_c1u57e7000000bb';

const start = simulatorPerTest();

/** Two clusters of one project and region, a collection backup of shop.orders and a cluster backup. */
function world(extra: ScenarioInput = {}): ScenarioInput {
  return {
    jobDurationMs: 300,
    restoreJobDurationMs: 300,
    collectionsField: 'dbCollections',
    clusters: { [OTHER]: { name: 'Dedicated-02', databases: { default: [] } } },
    existingBackups: [
      {
        backupId: COLLECTION_BACKUP,
        backupType: 'COLLECTION',
        creationMethod: 'MANUAL',
        collections: [{ dbName: 'shop', collectionNames: ['orders'] }],
      },
      { backupId: CLUSTER_BACKUP, backupType: 'CLUSTER', creationMethod: 'MANUAL' },
    ],
    ...extra,
  };
}

function run(s: Simulator, bundle: string, inputs: Inputs): Promise<TimedRun> {
  return runBundled(
    {
      'api-key': s.apiKey,
      'cluster-id': DEFAULT_CLUSTER_ID,
      'base-url': s.url,
      timeout: '1m',
      ...inputs,
    },
    { bundle },
  );
}

const restored = (result: TimedRun): Record<string, string>[] =>
  JSON.parse(result.outputs.restored ?? '[]') as Record<string, string>[];

const endpointRequests = (s: Simulator) => s.requests.filter((r) => r.clusterId !== undefined);

describe('a collection restore, under either spelling of the target fields', () => {
  it('is SUCCESSFUL when the service takes the target name, with the row count seen there', async () => {
    const s = await start(world({ restoreFieldSpelling: 'dest', otherSpelling: 'ignore' }));
    const result = await run(s, RESTORE_BUNDLE, { 'backup-id': COLLECTION_BACKUP });
    expectExit(result, 0);
    expect(restored(result)).toEqual([
      expect.objectContaining({
        target: 'orders_restored',
        status: 'SUCCESSFUL',
        verified: 'yes',
        rowCount: '80000',
      }),
    ]);
    expect(result.summary).toContain('80000 rows');
    expect(s.collections(DEFAULT_CLUSTER_ID, 'shop').map((c) => c.collectionName)).toContain(
      'orders_restored',
    );
  });

  it('is FAILED, naming what appeared, when the service restores under the source name elsewhere', async () => {
    const s = await start(world({ restoreFieldSpelling: 'target', otherSpelling: 'ignore' }));
    const result = await run(s, RESTORE_BUNDLE, {
      'backup-id': COLLECTION_BACKUP,
      'target-cluster-id': OTHER,
      'target-database': 'default',
    });
    expectExit(result, 1);
    expect(result.outputs.status).toBe('FAILED');
    expect(restored(result)).toEqual([
      expect.objectContaining({ target: 'orders_restored', status: 'FAILED', verified: 'yes' }),
    ]);
    expect(result.stdout).toMatch(
      /::error::the job of shop\.orders → default\.orders_restored .* reported SUCCESSFUL, but collection orders_restored is not in database default of cluster in01-0a1b2c3d4e5f607: collection orders \(the source's name\) appeared instead: the service did not take the target name/,
    );
    expect(s.collections(OTHER, 'default').map((c) => c.collectionName)).toEqual(['orders']);
  });

  it('is FAILED, saying the target name was not taken, when the service refuses the source name', async () => {
    const s = await start(world({ restoreFieldSpelling: 'target', otherSpelling: 'ignore' }));
    const result = await run(s, RESTORE_BUNDLE, { 'backup-id': COLLECTION_BACKUP });
    expectExit(result, 1);
    expect(result.outputs.status).toBe('FAILED');
    expect(result.stdout).toContain(
      'but orders_restored was not in database shop before the restore (seen on the cluster): the service did not take the target name',
    );
    // Never the advice to drop the target, which does not exist.
    expect(result.stdout).not.toContain('drop orders_restored first');
  });

  it('is FAILED with the refusal when the service refuses the field it does not read', async () => {
    const s = await start(world({ restoreFieldSpelling: 'target', otherSpelling: 'refuse' }));
    const result = await run(s, RESTORE_BUNDLE, { 'backup-id': COLLECTION_BACKUP });
    expectExit(result, 1);
    expect(result.outputs.status).toBe('FAILED');
    expect(result.stdout).toMatch(/::error::.*unknown field .*destCollectionName/);
  });
});

describe('a collection backup', () => {
  it('fails before any create when a collection does not exist, naming what does, closest first', async () => {
    const s = await start(world());
    const result = await run(s, BACKUP_BUNDLE, {
      'backup-type': 'COLLECTION',
      database: 'shop',
      collections: 'orders, itemz',
    });
    expectExit(result, 1);
    expect(s.requests.filter((r) => r.route === 'createBackup')).toHaveLength(0);
    expect(result.stdout).toMatch(
      /::error::1 collection itemz does not exist in database shop of cluster \S+ \(it holds items, orders, closest names first\): no backup was made/,
    );
  });

  it('outputs a manifest with the row count of each collection once it succeeded', async () => {
    const s = await start(world());
    const result = await run(s, BACKUP_BUNDLE, {
      'backup-type': 'COLLECTION',
      database: 'shop',
      collections: 'orders, items',
    });
    expectExit(result, 0);
    expect(JSON.parse(result.outputs.manifest ?? '')).toEqual([
      { dbName: 'shop', collectionName: 'orders', rowCount: 80000 },
      { dbName: 'shop', collectionName: 'items', rowCount: 1200 },
    ]);
    expect(result.summary).toContain('Collections on the cluster when the backup finished');
  });
});

describe('a cluster restore', () => {
  it('names a collection of the backup that the new cluster lacks, and ends FAILED', async () => {
    // The new cluster's endpoint lists only orders, in every database.
    const lacking: Fault = {
      route: 'collectionsList',
      kind: 'status',
      status: 200,
      contentType: 'application/json',
      body: '{"code":0,"data":["orders"]}',
      times: 10,
    };
    const s = await start(world({ faults: [lacking] }));
    const result = await run(s, RESTORE_BUNDLE, {
      'backup-id': CLUSTER_BACKUP,
      'project-id': DEFAULT_PROJECT_ID,
      'cluster-name': 'rollback-1',
    });
    expectExit(result, 1);
    expect(result.outputs.status).toBe('FAILED');
    expect(result.stdout).toMatch(
      /::error::the restore into new cluster rollback-1 \(\S+\) reported SUCCESSFUL, but the cluster lacks 3 collections of the backup: default\.items, default\.users, shop\.items%0A/,
    );
    // Listed with the credentials the restore returned.
    const password = result.outputs.password ?? '';
    expect(password).not.toBe('');
    expect(
      endpointRequests(s).every((r) => r.headers.authorization === `Bearer db_admin:${password}`),
    ).toBe(true);
  });

  it('is SUCCESSFUL when the new cluster holds every collection of the backup', async () => {
    const s = await start(world());
    const result = await run(s, RESTORE_BUNDLE, {
      'backup-id': CLUSTER_BACKUP,
      'project-id': DEFAULT_PROJECT_ID,
      'cluster-name': 'rollback-1',
    });
    expectExit(result, 0);
    expect(result.stdout).toContain('holds all 5 collections of the backup');
    expect(result.summary).toContain('every collection of the backup');
  });
});

/** An endpoint that cannot be used, as the scenario makes it. */
const BROKEN: { name: string; scenario: ScenarioInput; inputs?: Inputs; why: RegExp }[] = [
  {
    name: 'unreachable (no address)',
    scenario: {
      clusters: {
        [DEFAULT_CLUSTER_ID]: { name: 'Dedicated-01', endpoint: 'none' as EndpointMode },
      },
    },
    why: /Zilliz Cloud gives no address for its endpoint/,
  },
  {
    name: 'reachable by private link only',
    scenario: {
      clusters: { [DEFAULT_CLUSTER_ID]: { name: 'Dedicated-01', endpoint: 'privateLinkOnly' } },
    },
    why: /reachable only through a private link/,
  },
  {
    name: 'refusing connections',
    scenario: { clusters: { [DEFAULT_CLUSTER_ID]: { name: 'Dedicated-01', endpoint: 'refused' } } },
    why: /refused the connection/,
  },
  {
    name: 'hung',
    scenario: { faults: [{ route: 'collections*', kind: 'hang', times: 100 }] },
    why: /gave no answer within/,
  },
  {
    name: 'BYOC (refusing the API key)',
    scenario: { clusters: { [DEFAULT_CLUSTER_ID]: { name: 'Dedicated-01', byoc: true } } },
    why: /refused the API key .*set cluster-token/,
  },
];

const collectionBackup: Inputs = {
  'backup-type': 'COLLECTION',
  database: 'shop',
  collections: 'orders',
  // Short, so that a check's budget (a quarter of the time left) is short too.
  timeout: '20s',
};

describe.each(BROKEN)('a cluster endpoint that is $name', ({ scenario, why }) => {
  it('verify: auto keeps the control plane verdict and says "not verified" and why', async () => {
    const s = await start(world(scenario));
    const result = await run(s, BACKUP_BUNDLE, { ...collectionBackup, verify: 'auto' });
    expectExit(result, 0);
    expect(result.outputs.status).toBe('SUCCESSFUL');
    expect(result.stdout).toMatch(new RegExp(`Not verified: .*${why.source}`));
    expect(result.summary).toContain('not verified');
    // Within the timeout, with room for the backup itself (20 s: 5 s per check at most, twice).
    // Within the step's 20 s timeout, counted from its start (its first output): the budget of
    // the checks or the ledger (a quarter of the time left) keeps it well inside.
    expect(result.sinceFirstOutputMs).toBeLessThan(20_000);
  });

  it('verify: true fails, before any create, saying why it could not check', async () => {
    const s = await start(world(scenario));
    const result = await run(s, BACKUP_BUNDLE, { ...collectionBackup, verify: 'true' });
    expectExit(result, 1);
    expect(s.requests.filter((r) => r.route === 'createBackup')).toHaveLength(0);
    expect(result.stdout).toMatch(new RegExp(`::error::.*was not verified: .*${why.source}`));
    // Within the step's 20 s timeout, counted from its start (its first output): the budget of
    // the checks or the ledger (a quarter of the time left) keeps it well inside.
    expect(result.sinceFirstOutputMs).toBeLessThan(20_000);
  });

  it('verify: false sends nothing to the endpoint', async () => {
    const s = await start(world(scenario));
    const result = await run(s, BACKUP_BUNDLE, { ...collectionBackup, verify: 'false' });
    expectExit(result, 0);
    expect(endpointRequests(s)).toHaveLength(0);
    expect(result.outputs.manifest).toBe(
      JSON.stringify([{ dbName: 'shop', collectionName: 'orders' }]),
    );
  });
});

describe('a BYOC cluster with a cluster-token', () => {
  it('is checked with the token, never the API key, and the token is never printed', async () => {
    const token = 'db_admin:byoc-pass';
    const s = await start(
      world({
        clusters: {
          [DEFAULT_CLUSTER_ID]: { name: 'Dedicated-01', byoc: true, credentials: [token] },
        },
      }),
    );
    const result = await run(s, RESTORE_BUNDLE, {
      'backup-id': COLLECTION_BACKUP,
      'cluster-token': token,
      verify: 'true',
    });
    expectExit(result, 0);
    expect(restored(result)).toEqual([expect.objectContaining({ verified: 'yes' })]);
    expect(endpointRequests(s).length).toBeGreaterThan(0);
    expect(endpointRequests(s).every((r) => r.headers.authorization === `Bearer ${token}`)).toBe(
      true,
    );
    expect(result.stdout.split(`::add-mask::${token}`).join('')).not.toContain(token);
    expect(result.summary).not.toContain(token);
  });
});
