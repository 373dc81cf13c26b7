// The prune action's bundle (dist/prune/index.js), spawned as the runner spawns it, against the
// simulator over real HTTP: the rules, the safety guarantees, lost and refused deletes, 429s,
// and the timeout.
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_CLUSTER_ID,
  type ExistingBackup,
  type RecordedRequest,
  type Simulator,
} from '../simulator/server.ts';
import { simulatorPerTest } from './helpers/sim.ts';
import { actionNamed, bundlePath } from '../scripts/actions.ts';
import type { Inputs } from '../scripts/runner.ts';
import { expectExit, runBundled, type TimedRun } from './helpers/children.ts';
import { BUSY_MS } from './helpers/timing.ts';

const BUNDLE = bundlePath(actionNamed('prune'));
const DAY = 86_400_000;

const start = simulatorPerTest();

function prune(s: Simulator, inputs: Inputs = {}): Promise<TimedRun> {
  return runBundled(
    { 'api-key': s.apiKey, 'cluster-id': DEFAULT_CLUSTER_ID, 'base-url': s.url, ...inputs },
    { bundle: BUNDLE },
  );
}

/** `count` manual CLUSTER backups named old1 (1 day old) … old<count>, with a given size. */
function manual(count: number, extra: Partial<ExistingBackup> = {}): ExistingBackup[] {
  return Array.from({ length: count }, (_, i) => ({
    backupId: `old${i + 1}`,
    creationMethod: 'MANUAL' as const,
    backupType: 'CLUSTER' as const,
    ageMs: (i + 1) * DAY,
    size: 1_000 + i,
    ...extra,
  }));
}

/** Ids of the backups the simulator still lists (AVAILABLE or CREATING), sorted. */
const remaining = (s: Simulator): string[] =>
  s
    .backups()
    .filter((b) => b.status !== 'DELETED')
    .map((b) => b.backupId)
    .sort();

const of = (s: Simulator, route: RecordedRequest['route']): RecordedRequest[] =>
  s.requests.filter((r) => r.route === route);

const range = (from: number, to: number): string[] =>
  Array.from({ length: to - from + 1 }, (_, i) => `old${from + i}`);

describe('the prune bundle', () => {
  it('keeps the newest keep-last, deletes the rest oldest first, lists again, reports it all', async () => {
    const s = await start({ existingBackups: manual(15) });
    const result = await prune(s, { 'keep-last': '5' });
    expect(result.stderr).toBe('');
    expectExit(result, 0);
    expect(remaining(s)).toEqual(range(1, 5).sort());
    expect(JSON.parse(result.outputs.deletedIds ?? '')).toEqual(range(6, 15).reverse());
    const freed = range(6, 15).reduce((sum, _, i) => sum + 1_000 + 5 + i, 0);
    expect(result.outputs).toMatchObject({
      deletedCount: '10',
      keptCount: '5',
      freedBytes: String(freed),
      leftOver: '0',
      status: 'SUCCESSFUL',
    });
    // The whole list first, then the deletes, then a last list.
    const routes = s.requests.map((r) => r.route);
    expect(routes[0]).toBe('listBackups');
    expect(routes.at(-1)).toBe('listBackups');
    expect(routes.slice(1, -1).every((r) => r === 'deleteBackup')).toBe(true);
    expect(of(s, 'listBackups').every((r) => r.query.creationMethod === 'MANUAL')).toBe(true);
    expect(result.summary).toContain('<td>newest 5</td>');
    expect(result.summary).toMatch(
      /<td>Dedicated-01_backup15 \(old15\)<\/td>.*<td>15d<\/td>.*<td>deleted<\/td>/,
    );
    expect(result.stdout).toContain('::notice title=Zilliz Cloud prune::');
  });

  it('with older-than, deletes only what is outside keep-last and older than that', async () => {
    const s = await start({ existingBackups: manual(10) });
    const result = await prune(s, { 'keep-last': '3', 'older-than': '5d12h' });
    expectExit(result, 0);
    expect(remaining(s)).toEqual(range(1, 5).sort());
    expect(result.outputs.deletedCount).toBe('5');
    expect(result.summary).toContain('too young (not older than 5d12h)');
  });

  it.each(['collections', 'dbCollections'] as const)(
    'with backup-type COLLECTION, prunes only backups of exactly those collections (%s form)',
    async (collectionsField) => {
      const shop = (names: string[]) => [{ dbName: 'shop', collectionNames: names }];
      const exact = manual(4, { backupType: 'COLLECTION', collections: shop(['orders', 'items']) });
      const s = await start({
        collectionsField,
        existingBackups: [
          ...exact,
          {
            backupId: 'fewer',
            creationMethod: 'MANUAL',
            backupType: 'COLLECTION',
            ageMs: 30 * DAY,
            collections: shop(['orders']),
          },
          {
            backupId: 'more',
            creationMethod: 'MANUAL',
            backupType: 'COLLECTION',
            ageMs: 30 * DAY,
            collections: shop(['orders', 'items', 'users']),
          },
          { backupId: 'cluster', creationMethod: 'MANUAL', backupType: 'CLUSTER', ageMs: 30 * DAY },
          ...(collectionsField === 'dbCollections'
            ? [
                {
                  backupId: 'other-db',
                  creationMethod: 'MANUAL' as const,
                  backupType: 'COLLECTION' as const,
                  ageMs: 30 * DAY,
                  collections: [{ dbName: 'default', collectionNames: ['orders', 'items'] }],
                },
              ]
            : []),
        ],
      });
      const result = await prune(s, {
        'keep-last': '1',
        'backup-type': 'COLLECTION',
        database: 'shop',
        collections: 'items, orders',
      });
      expectExit(result, 0);
      expect(JSON.parse(result.outputs.deletedIds ?? '')).toEqual(['old4', 'old3', 'old2']);
      const survivors = ['old1', 'fewer', 'more', 'cluster'];
      if (collectionsField === 'dbCollections') survivors.push('other-db');
      expect(remaining(s)).toEqual(survivors.sort());
      expect(result.outputs.keptCount).toBe('1');
    },
  );

  it('never deletes a protected backup', async () => {
    const s = await start({ existingBackups: manual(6) });
    const result = await prune(s, { 'keep-last': '1', protect: 'old6\nold3' });
    expectExit(result, 0);
    expect(remaining(s)).toEqual(['old1', 'old3', 'old6']);
    expect(result.summary).toContain('<td>protected</td>');
  });

  it('deletes at most max-deletions, the oldest, and reports the rest as left over', async () => {
    const s = await start({ existingBackups: manual(30) });
    const result = await prune(s, { 'keep-last': '2', 'max-deletions': '4' });
    expectExit(result, 0);
    expect(JSON.parse(result.outputs.deletedIds ?? '')).toEqual([
      'old30',
      'old29',
      'old28',
      'old27',
    ]);
    expect(result.outputs).toMatchObject({ deletedCount: '4', leftOver: '24', keptCount: '26' });
    expect(result.summary).toContain('over the cap (max-deletions 4)');
  });

  it('in a dry run, deletes nothing and says what it would delete', async () => {
    const s = await start({ existingBackups: manual(8) });
    const result = await prune(s, { 'keep-last': '3', 'dry-run': 'true' });
    expectExit(result, 0);
    expect(of(s, 'deleteBackup')).toEqual([]);
    expect(remaining(s)).toHaveLength(8);
    expect(result.outputs).toMatchObject({
      status: 'DRY_RUN',
      deletedCount: '0',
      deletedIds: '[]',
    });
    expect(result.stdout).toContain('Dry run: would delete Dedicated-01_backup8 (old8)');
    expect(result.summary.match(/would delete \(dry run\)/g)).toHaveLength(5);
  });

  it('leaves automatic, creating and other backups alone among hundreds of mixed ones', async () => {
    const s = await start({ generateBackups: { count: 120, mixed: true } });
    const before = s.backups();
    const result = await prune(s, { 'keep-last': '3', 'max-deletions': '1000' });
    expectExit(result, 0);
    const gone = new Set(
      s
        .backups()
        .filter((b) => b.status === 'DELETED')
        .map((b) => b.backupId),
    );
    for (const b of before) {
      const due =
        b.creationMethod === 'MANUAL' && b.backupType === 'CLUSTER' && b.status === 'AVAILABLE';
      if (!due) expect(gone.has(b.backupId), b.backupId).toBe(false);
    }
    const manualAvailable = before.filter(
      (b) =>
        b.creationMethod === 'MANUAL' && b.backupType === 'CLUSTER' && b.status === 'AVAILABLE',
    );
    expect(gone.size).toBe(manualAvailable.length - 3);
    expect(result.summary).toContain('<td>status CREATING</td>');
  });

  it('reads every page (6 of them) before deciding which are the oldest', async () => {
    const s = await start({ existingBackups: manual(505) });
    const result = await prune(s, { 'keep-last': '500', 'max-deletions': '5' });
    expectExit(result, 0);
    expect(JSON.parse(result.outputs.deletedIds ?? '')).toEqual(range(501, 505).reverse());
    const firstDelete = s.requests.findIndex((r) => r.route === 'deleteBackup');
    const pagesBefore = s.requests.slice(0, firstDelete).map((r) => r.query.currentPage);
    expect(pagesBefore).toEqual(['1', '2', '3', '4', '5', '6']);
  });

  it('deletes nothing when a page of the list cannot be read', async () => {
    const s = await start({
      existingBackups: manual(150),
      faults: [
        { route: 'listBackups', kind: 'delay', delayMs: 0 },
        {
          route: 'listBackups',
          kind: 'businessError',
          code: 80000,
          message: 'Incorrect parameter',
        },
      ],
    });
    const result = await prune(s, { 'keep-last': '1' });
    expectExit(result, 1);
    expect(of(s, 'listBackups').map((r) => r.query.currentPage)).toEqual(['1', '2']);
    expect(of(s, 'deleteBackup')).toEqual([]);
    expect(result.outputs).toMatchObject({ status: 'FAILED', deletedCount: '0', deletedIds: '[]' });
    expect(result.outputs.keptCount).toBeUndefined();
  });

  it('counts a delete whose reply was lost once Describe backup shows it gone', async () => {
    const s = await start({
      existingBackups: manual(4),
      faults: [{ route: 'deleteBackup', kind: 'commitThenDrop' }],
    });
    const result = await prune(s, { 'keep-last': '1' });
    expectExit(result, 0);
    expect(result.outputs).toMatchObject({ status: 'SUCCESSFUL', deletedCount: '3' });
    expect(remaining(s)).toEqual(['old1']);
    expect(of(s, 'describeBackup')).toHaveLength(1);
    expect(of(s, 'deleteBackup')).toHaveLength(3); // not repeated
    expect(result.stdout).toContain('Describe backup says it is gone');
  });

  it('repeats a delete that never reached the backup, once Describe backup shows it still there', async () => {
    const s = await start({
      existingBackups: manual(4),
      faults: [{ route: 'deleteBackup', kind: 'reset' }],
    });
    const result = await prune(s, { 'keep-last': '1' });
    expectExit(result, 0);
    expect(result.outputs).toMatchObject({ status: 'SUCCESSFUL', deletedCount: '3' });
    expect(remaining(s)).toEqual(['old1']);
    expect(of(s, 'describeBackup')).toHaveLength(1);
    expect(of(s, 'deleteBackup')).toHaveLength(4);
  });

  it('reports a refused delete with the server reason, deletes the others, and fails', async () => {
    const s = await start({
      existingBackups: manual(5),
      faults: [
        {
          route: 'deleteBackup',
          kind: 'businessError',
          code: 80000,
          message: 'Backup is <b>locked</b>',
        },
      ],
    });
    const result = await prune(s, { 'keep-last': '1' });
    expectExit(result, 1);
    expect(result.outputs).toMatchObject({ status: 'FAILED', deletedCount: '3', keptCount: '2' });
    const refused = s.requests
      .find((r) => r.fault === 'businessError')
      ?.path.split('/')
      .at(-1);
    expect(remaining(s)).toEqual(['old1', refused].sort());
    expect(result.stdout).toContain(
      `::error::1 backup could not be deleted:%0A- ${refused}: Backup is <b>locked</b> (code 80000`,
    );
    expect(result.summary).toContain('Backup is &lt;b&gt;locked&lt;/b&gt;');
    expect(result.summary).not.toContain('<b>locked');
  });

  it('rides out a storm of 429s with Retry-After, on the list and the deletes', async () => {
    const s = await start({
      existingBackups: manual(12),
      faults: [
        { route: 'listBackups', kind: 'status', status: 429, retryAfter: '0', times: 2 },
        { route: 'deleteBackup', kind: 'status', status: 429, retryAfter: '0', times: 15 },
      ],
    });
    const result = await prune(s, { 'keep-last': '2' });
    expectExit(result, 0);
    expect(result.outputs.deletedCount).toBe('10');
    expect(remaining(s)).toEqual(['old1', 'old2']);
    // Every 429 of the storm was met (the simulator's own limit may add some on a busy machine).
    expect(s.requests.filter((r) => r.fault === 'status' && r.status === 429)).toHaveLength(17);
  });

  it("honours the server's own rate limit when it is lower than documented", async () => {
    const s = await start({ existingBackups: manual(10), rateLimit: { perSecond: 4 } });
    const result = await prune(s, { 'keep-last': '1' });
    expectExit(result, 0);
    expect(result.outputs.deletedCount).toBe('9');
    expect(s.requests.some((r) => r.status === 429)).toBe(true);
    expect(result.stdout).toContain('(Retry-After)');
  });

  it('stops at its timeout, says TIMED_OUT and reports what it deleted', async () => {
    const s = await start({
      existingBackups: manual(6),
      faults: [
        { route: 'deleteBackup', kind: 'delay', delayMs: 0, times: 1 },
        { route: 'deleteBackup', kind: 'hang', times: 1_000 },
      ],
    });
    const result = await prune(s, { 'keep-last': '1', timeout: '3s' });
    // From the step's start (its first output) to its exit: the deadline, and the busy-machine
    // margin. A step saved only by its watchdog would take 5 s more, a hung delete 30 s.
    expect(result.sinceFirstOutputMs).toBeLessThan(3_000 + BUSY_MS);
    expectExit(result, 1);
    expect(result.outputs).toMatchObject({ status: 'TIMED_OUT', deletedCount: '1' });
    expect(JSON.parse(result.outputs.deletedIds ?? '')).toEqual([
      s.backups().find((b) => b.status === 'DELETED')?.backupId,
    ]);
    expect(result.stdout).toMatch(/::error::.*3s timeout/);
  });

  it('when cancelled, reports what it deleted so far and exits 1', async () => {
    const s = await start({ existingBackups: manual(60) });
    const result = await runBundled(
      {
        'api-key': s.apiKey,
        'cluster-id': DEFAULT_CLUSTER_ID,
        'base-url': s.url,
        'keep-last': '1',
        'max-deletions': '100',
      },
      {
        bundle: BUNDLE,
        onOutput: { text: 'Deleted ', then: (pid) => process.kill(pid, 'SIGTERM') },
      },
    );
    expectExit(result, 1);
    expect(result.outputs.status).toBe('FAILED');
    const reported: string[] = JSON.parse(result.outputs.deletedIds ?? '');
    expect(reported.length).toBeGreaterThan(0);
    expect(reported.length).toBeLessThan(59);
    expect(result.outputs.deletedCount).toBe(String(reported.length));
    const deleted = new Set(
      s
        .backups()
        .filter((b) => b.status === 'DELETED')
        .map((b) => b.backupId),
    );
    expect(reported.every((id) => deleted.has(id))).toBe(true);
    expect(result.summary).toContain(
      `The step was cancelled: ${reported.length} backup${reported.length === 1 ? '' : 's'} deleted so far`,
    );
  });

  it('reports every input mistake at once, before any request', async () => {
    const s = await start({});
    const result = await prune(s, {
      'keep-last': '0',
      'older-than': 'a month',
      'max-deletions': 'lots',
      protect: 'backup 1',
      'dry-run': 'maybe',
    });
    expectExit(result, 1);
    for (const text of [
      'keep-last: "0" is not a whole number from 1 to 10000',
      'older-than: "a month" is not a positive age',
      'max-deletions: "lots" is not a whole number from 1 to 1000',
      'protect: "backup 1" is not a backup id',
      'dry-run: "maybe" is not a boolean',
    ]) {
      expect(result.stdout).toContain(text);
    }
    expect(s.requests).toEqual([]);
  });
});
