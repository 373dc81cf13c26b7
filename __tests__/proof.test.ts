// Prune never deletes beyond its rules, restore never claims what it did not do: each cause of a
// wrong deletion or a wrong report, reproduced over real HTTP against a simulator that misbehaves
// the way a real one can (a list that changes while it is paged, repeated and foreign entries,
// names that cannot be read, lost replies, replies that cannot be used, short pages).
import { describe, expect, it } from 'vitest';
import { run as backup } from '../src/backup/main.ts';
import { run as prune } from '../src/prune/main.ts';
import { run as restore } from '../src/restore/main.ts';
import {
  DEFAULT_CLUSTER_ID,
  DEFAULT_PROJECT_ID,
  type ExistingBackup,
  type RecordedRequest,
  type Simulator,
} from '../simulator/server.ts';
import type { Inputs } from '../scripts/runner.ts';
import { runInProcess } from './helpers/inprocess.ts';
import { simulatorPerTest } from './helpers/sim.ts';

const DAY = 86_400_000;
const OTHER_CLUSTER = 'in01-9f8e7d6c5b4a321';
const start = simulatorPerTest();

/** `count` manual CLUSTER backups b1 (the newest, 1 day old) … b<count>. */
function manual(count: number, extra: Partial<ExistingBackup> = {}): ExistingBackup[] {
  return Array.from({ length: count }, (_, i) => ({
    backupId: `b${i + 1}`,
    creationMethod: 'MANUAL' as const,
    backupType: 'CLUSTER' as const,
    ageMs: (i + 1) * DAY,
    size: 1_000,
    ...extra,
  }));
}

const range = (from: number, to: number): string[] =>
  Array.from({ length: to - from + 1 }, (_, i) => `b${from + i}`);

/** The backups of `clusterId` that are not deleted, by id. */
const remaining = (s: Simulator, clusterId = DEFAULT_CLUSTER_ID): string[] =>
  s
    .backups()
    .filter((b) => b.clusterId === clusterId && b.status !== 'DELETED')
    .map((b) => b.backupId)
    .sort();

const of = (s: Simulator, route: RecordedRequest['route']): RecordedRequest[] =>
  s.requests.filter((r) => r.route === route);

const deletedIds = (outputs: Record<string, string>): string[] =>
  JSON.parse(outputs.deletedIds ?? '[]') as string[];

describe('prune counts backups, not list entries', () => {
  it('keeps the newest keep-last when a backup is created while the list is paged', async () => {
    // 250 backups: the list is three pages of 100. A backup created as page 2 is asked for
    // pushes every entry one place down, so page 2 repeats the last entry of page 1.
    const s = await start({
      existingBackups: manual(250),
      faults: [
        {
          route: 'listBackups',
          kind: 'foreignBackup',
          skip: 1,
          then: 'process',
          backup: { backupId: 'fresh', creationMethod: 'MANUAL', status: 'CREATING' },
        },
      ],
    });
    const result = await runInProcess(
      s,
      { 'keep-last': '120', 'max-deletions': '1000' },
      {},
      prune,
    );
    expect(result.failed, result.stdout).toBe(false);
    expect(remaining(s)).toEqual(['fresh', ...range(1, 120)].sort());
    expect(deletedIds(result.outputs)).toEqual(range(121, 250).reverse());
    expect(result.stdout).toContain('ignored 1 repeated entry');
  });

  it('keeps the newest keep-last when the server lists every entry twice', async () => {
    const s = await start({ existingBackups: manual(6), listQuirks: { duplicateEntries: true } });
    const result = await runInProcess(s, { 'keep-last': '3' }, {}, prune);
    expect(result.failed, result.stdout).toBe(false);
    expect(remaining(s)).toEqual(range(1, 3));
    expect(deletedIds(result.outputs)).toEqual(['b6', 'b5', 'b4']);
    expect(result.outputs.deletedCount).toBe('3');
  });

  it('never counts nor deletes a backup of another cluster the server lists anyway', async () => {
    const s = await start({
      clusters: { [OTHER_CLUSTER]: { name: 'Other-01' } },
      existingBackups: [
        // The other cluster's backups are the newest of all.
        ...Array.from({ length: 3 }, (_, i) => ({
          backupId: `other${i + 1}`,
          clusterId: OTHER_CLUSTER,
          creationMethod: 'MANUAL' as const,
          backupType: 'CLUSTER' as const,
          ageMs: 1_000 * (i + 1),
        })),
        ...manual(5),
      ],
      listQuirks: { ignoreClusterFilter: true },
    });
    const result = await runInProcess(s, { 'keep-last': '3' }, {}, prune);
    expect(result.failed, result.stdout).toBe(false);
    expect(remaining(s)).toEqual(range(1, 3));
    expect(remaining(s, OTHER_CLUSTER)).toEqual(['other1', 'other2', 'other3']);
    expect(deletedIds(result.outputs)).toEqual(['b5', 'b4']);
    expect(result.stdout).toContain('ignored 3 entries of other clusters');
    expect(of(s, 'deleteBackup').every((r) => r.path.includes(DEFAULT_CLUSTER_ID))).toBe(true);
  });

  it('reads every short page while count says more remain', async () => {
    // The server hands out 10 entries a page whatever is asked; count says 35.
    const s = await start({ existingBackups: manual(35), listQuirks: { maxPerPage: 10 } });
    const result = await runInProcess(s, { 'keep-last': '30' }, {}, prune);
    expect(result.failed, result.stdout).toBe(false);
    expect(remaining(s)).toEqual(range(1, 30).sort());
    expect(deletedIds(result.outputs)).toEqual(['b35', 'b34', 'b33', 'b32', 'b31']);
  });
});

describe('prune keeps what it cannot read exactly', () => {
  const scope = { 'backup-type': 'COLLECTION', collections: 'orders', 'keep-last': '1' };

  it('keeps and reports a collection backup that names a collection it cannot read', async () => {
    const s = await start({
      collectionsField: 'dbCollections',
      existingBackups: [
        {
          backupId: 'newest',
          creationMethod: 'MANUAL',
          backupType: 'COLLECTION',
          ageMs: DAY,
          collections: [{ dbName: 'default', collectionNames: ['orders'] }],
        },
        {
          backupId: 'halfread',
          creationMethod: 'MANUAL',
          backupType: 'COLLECTION',
          ageMs: 2 * DAY,
          describeCollections: [
            {
              dbName: 'default',
              collections: [{ collectionName: 'orders' }, { collectionName: 'bad name!' }],
            },
          ],
        },
        {
          backupId: 'old',
          creationMethod: 'MANUAL',
          backupType: 'COLLECTION',
          ageMs: 3 * DAY,
          collections: [{ dbName: 'default', collectionNames: ['orders'] }],
        },
      ],
    });
    const result = await runInProcess(s, scope, {}, prune);
    expect(result.failed, result.stdout).toBe(false);
    expect(remaining(s)).toEqual(['halfread', 'newest']);
    expect(deletedIds(result.outputs)).toEqual(['old']);
    expect(result.stdout).toMatch(
      /Kept \S+ \(halfread\), whatever the rules say: it lists collections that cannot be read exactly: .*bad name!/,
    );
    expect(result.summary).toContain('Kept: what they hold could not be read exactly');
  });

  it('never sums a negative size into freedBytes; reads a size sent as a string', async () => {
    const s = await start({
      existingBackups: [
        ...manual(1),
        { ...manual(2)[1]!, rawSize: -5_000 },
        { ...manual(3)[2]!, rawSize: '2048' },
      ],
    });
    const result = await runInProcess(s, { 'keep-last': '1' }, {}, prune);
    expect(result.failed, result.stdout).toBe(false);
    expect(deletedIds(result.outputs)).toEqual(['b3', 'b2']);
    expect(result.outputs.freedBytes).toBe('2048');
    expect(result.stdout).toContain(
      '(b2) is not a whole number of bytes: not counted in freedBytes',
    );
  });
});

describe('prune counts a delete only when proven', () => {
  it('reports a delete whose reply was lost, and Describe refused, by the final list: still there', async () => {
    const s = await start({
      existingBackups: manual(2),
      faults: [
        // The connection breaks before the server acts; Describe backup then refuses.
        { route: 'deleteBackup', kind: 'reset' },
        { route: 'describeBackup', kind: 'businessError', code: 65535, message: 'Try later.' },
      ],
    });
    const result = await runInProcess(s, { 'keep-last': '1' }, {}, prune);
    expect(result.failed).toBe(true);
    expect(remaining(s)).toEqual(['b1', 'b2']);
    expect(deletedIds(result.outputs)).toEqual([]);
    expect(result.outputs.status).toBe('FAILED');
    expect(result.stdout).toMatch(
      /::error::1 backup could not be deleted:%0A- b2: the delete was sent, its reply was lost, and the backup is still listed afterwards/,
    );
    expect(of(s, 'deleteBackup')).toHaveLength(1);
  });

  it('counts a delete whose reply was lost and Describe refused, once the final list no longer shows it', async () => {
    const s = await start({
      existingBackups: manual(2),
      faults: [
        { route: 'deleteBackup', kind: 'commitThenDrop' },
        { route: 'describeBackup', kind: 'businessError', code: 65535, message: 'Try later.' },
      ],
    });
    const result = await runInProcess(s, { 'keep-last': '1' }, {}, prune);
    expect(result.failed, result.stdout).toBe(false);
    expect(remaining(s)).toEqual(['b1']);
    expect(deletedIds(result.outputs)).toEqual(['b2']);
    expect(result.stdout).toContain('reply lost; the final list no longer shows it');
  });

  it('takes a backup another run deleted meanwhile as gone, not as a failure', async () => {
    const s = await start({
      existingBackups: manual(3),
      faults: [
        {
          route: 'deleteBackup',
          kind: 'businessError',
          code: 80000,
          message: 'Incorrect parameter: backup b3 does not exist.',
        },
      ],
    });
    const result = await runInProcess(s, { 'keep-last': '1' }, {}, prune);
    expect(result.failed, result.stdout).toBe(false);
    expect(result.outputs.status).toBe('SUCCESSFUL');
    expect(result.stdout).toMatch(/was already deleted \(by another run\)/);
    expect(result.summary).toContain('already gone');
  });
});

describe('restore proves before it claims', () => {
  const BACKUP = 'backup7_0a1b2c3d4e5f6a7';
  const CLUSTER_BACKUP = 'backup8_7a6f5e4d3c2b1a0';
  const collectionBackup = (extra: Partial<ExistingBackup>): ExistingBackup => ({
    backupId: BACKUP,
    backupType: 'COLLECTION',
    creationMethod: 'MANUAL',
    collections: [{ dbName: 'shop', collectionNames: ['orders', 'items'] }],
    ...extra,
  });
  const restoreOf = (s: Simulator, inputs: Inputs) =>
    runInProcess(s, { 'backup-id': BACKUP, ...inputs }, {}, restore);

  it('fails before any restore when the backup names a collection it cannot read', async () => {
    const s = await start({
      collectionsField: 'dbCollections',
      restoreJobDurationMs: 200,
      existingBackups: [
        collectionBackup({
          describeCollections: [
            { dbName: 'shop', collections: [{ collectionName: 'orders' }, { collectionName: 42 }] },
          ],
        }),
      ],
    });
    const result = await restoreOf(s, {});
    expect(result.failed).toBe(true);
    expect(of(s, 'restoreCollection')).toHaveLength(0);
    expect(result.stdout).toMatch(
      /::error::backup \S+ \(backup7_0a1b2c3d4e5f6a7\) lists collections that cannot be read exactly: \{"collectionName":42\}/,
    );
  });

  it('restores a collection the backup names twice once', async () => {
    const s = await start({
      collectionsField: 'dbCollections',
      restoreJobDurationMs: 200,
      existingBackups: [
        collectionBackup({
          describeCollections: [
            {
              dbName: 'shop',
              collections: [{ collectionName: 'orders' }, { collectionName: 'orders' }],
            },
          ],
        }),
      ],
    });
    const result = await restoreOf(s, {});
    expect(result.failed, result.stdout).toBe(false);
    expect(of(s, 'restoreCollection')).toHaveLength(1);
    expect(JSON.parse(result.outputs.restored ?? '[]')).toHaveLength(1);
  });

  it('reports a restore accepted with an unusable job id as UNKNOWN, naming the target', async () => {
    const s = await start({
      collectionsField: 'dbCollections',
      restoreJobDurationMs: 200,
      existingBackups: [collectionBackup({})],
      faults: [
        {
          route: 'restoreCollection',
          kind: 'commitThenReply',
          body: '{"code":0,"data":{"jobId":"no such id!"}}',
        },
      ],
    });
    const result = await restoreOf(s, { collections: 'orders' });
    expect(result.failed).toBe(true);
    expect(result.outputs.status).toBe('UNKNOWN');
    expect(JSON.parse(result.outputs.restored ?? '[]')).toEqual([
      expect.objectContaining({ target: 'orders_restored', status: 'UNKNOWN' }),
    ]);
    expect(result.stdout).toMatch(
      /::error::Zilliz Cloud accepted the restore of shop\.orders → shop\.orders_restored/,
    );
    expect(result.stdout).toContain('whether collection orders_restored exists in database shop');
    expect(of(s, 'restoreCollection')).toHaveLength(1);
  });

  const clusterInputs = {
    'backup-id': CLUSTER_BACKUP,
    'project-id': DEFAULT_PROJECT_ID,
    'cluster-name': 'rollback-1',
  };
  const clusterBackup: ExistingBackup = {
    backupId: CLUSTER_BACKUP,
    backupType: 'CLUSTER',
    creationMethod: 'MANUAL',
  };
  const newClusters = (s: Simulator) =>
    Object.entries(s.clusters()).filter(([, c]) => c.name === 'rollback-1');

  it('after a lost reply, adopts only the new cluster of its own project, not a namesake', async () => {
    const s = await start({
      restoreJobDurationMs: 200,
      existingBackups: [clusterBackup],
      faults: [
        {
          route: 'restoreCluster',
          kind: 'foreignCluster',
          newClusterId: 'in01-0000000000other',
          cluster: { name: 'rollback-1', projectId: 'proj-someone-else' },
          then: 'commitThenDrop',
        },
      ],
    });
    const result = await runInProcess(s, clusterInputs, {}, restore);
    expect(result.failed, result.stdout).toBe(false);
    const ours = newClusters(s).filter(([, c]) => c.projectId === DEFAULT_PROJECT_ID);
    expect(ours).toHaveLength(1);
    expect(result.outputs.clusterId).toBe(ours[0]?.[0]);
    expect(of(s, 'restoreCluster')).toHaveLength(1);
  });

  it('keeps the password of a cluster restore whose reply had no usable cluster id', async () => {
    const s = await start({
      restoreJobDurationMs: 200,
      existingBackups: [clusterBackup],
      faults: [{ route: 'restoreCluster', kind: 'commitThenReply', omit: ['clusterId'] }],
    });
    const result = await runInProcess(s, clusterInputs, {}, restore);
    expect(result.failed, result.stdout).toBe(false);
    const [[clusterId] = []] = newClusters(s);
    expect(result.outputs.clusterId).toBe(clusterId);
    expect(result.outputs.password).toMatch(/^Pw/);
    expect(result.stdout).toContain(`::add-mask::${result.outputs.password}`);
    expect(result.stdout.split(`::add-mask::${result.outputs.password}`).join('')).not.toContain(
      result.outputs.password,
    );
    expect(of(s, 'restoreCluster')).toHaveLength(1);
  });
});

describe('the backup finds what runs, on every page', () => {
  it('sees a running backup on a later short page and does not create beside it', async () => {
    const s = await start({
      existingBackups: [
        ...manual(25),
        { backupId: 'running', creationMethod: 'AUTO', status: 'CREATING', ageMs: 30 * DAY },
      ],
      listQuirks: { maxPerPage: 10 },
    });
    const result = await runInProcess(s, { 'if-in-progress': 'fail' }, {}, backup);
    expect(result.failed).toBe(true);
    expect(result.stdout).toMatch(/::error::backup running .* is in progress/);
    expect(of(s, 'createBackup')).toHaveLength(0);
  });
});

describe('the database travels from the backup to its rollback', () => {
  it('restores a collection backup of database shop with the backup step outputs alone', async () => {
    // The flat Describe form names no database: the backup step's output does.
    const s = await start({ jobDurationMs: 200, restoreJobDurationMs: 200 });
    const made = await runInProcess(s, {
      'backup-type': 'COLLECTION',
      database: 'shop',
      collections: 'orders',
    });
    expect(made.failed, made.stdout).toBe(false);
    expect(made.outputs.database).toBe('shop');
    const rolledBack = await runInProcess(
      s,
      { 'backup-id': made.outputs.backupId ?? '', database: made.outputs.database ?? '' },
      {},
      restore,
    );
    expect(rolledBack.failed, rolledBack.stdout).toBe(false);
    expect(s.clusters()[DEFAULT_CLUSTER_ID]?.databases.shop).toContain('orders_restored');
  });

  it('needs no database input when Describe backup names it', async () => {
    const s = await start({
      collectionsField: 'dbCollections',
      jobDurationMs: 200,
      restoreJobDurationMs: 200,
    });
    const made = await runInProcess(s, {
      'backup-type': 'COLLECTION',
      database: 'shop',
      collections: 'items',
    });
    expect(made.failed, made.stdout).toBe(false);
    const rolledBack = await runInProcess(
      s,
      { 'backup-id': made.outputs.backupId ?? '' },
      {},
      restore,
    );
    expect(rolledBack.failed, rolledBack.stdout).toBe(false);
    expect(s.clusters()[DEFAULT_CLUSTER_ID]?.databases.shop).toContain('items_restored');
  });
});

describe('every check that needs no server comes before the first request', () => {
  it.each([
    [
      'backup',
      backup,
      { 'base-url': 'BASE/v2' },
      'base-url: "BASE/v2" holds the API version (/v2)',
    ],
    [
      'prune',
      prune,
      { 'older-than': '30' },
      'older-than: "30" has no unit: write 30d for days or 30h for hours',
    ],
    [
      'restore',
      restore,
      { 'backup-id': 'backup1_a', suffix: `_${'x'.repeat(254)}` },
      'with any collection name it would pass the 255-character limit',
    ],
    [
      'restore',
      restore,
      { 'backup-id': 'backup1_a', collections: `c${'x'.repeat(250)}`, suffix: '_restored' },
      'is longer than 255 characters: use a shorter suffix, or rename',
    ],
    [
      'restore',
      restore,
      { 'backup-id': 'backup1_a', 'cluster-name': 'roll_back' },
      'cluster-name: "roll_back" is not a cluster name (letters, digits and hyphens',
    ],
  ] as const)('%s refuses %o', async (_name, main, inputs, problem) => {
    const s = await start({});
    const given = Object.fromEntries(
      Object.entries(inputs).map(([key, value]) => [key, value.replace('BASE', s.url)]),
    );
    const result = await runInProcess(s, given, {}, main);
    expect(result.failed).toBe(true);
    expect(result.stdout).toContain(problem.replace('BASE', s.url));
    expect(s.requests).toHaveLength(0);
  });
});
