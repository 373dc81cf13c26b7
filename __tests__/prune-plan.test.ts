// The prune decision on its own: a pure function of the listed backups, the rules and the time.
import { describe, expect, it } from 'vitest';
import type { BackupInfo } from '../src/api/backups.ts';
import { inScope, planPrune, type Rules } from '../src/prune/plan.ts';

const NOW = Date.parse('2026-06-30T12:00:00Z');
const DAY = 86_400_000;

/** A manual CLUSTER backup, AVAILABLE, `days` old. */
function backup(id: string, days: number, extra: Partial<BackupInfo> = {}): BackupInfo {
  return {
    backupId: id,
    backupName: `name-${id}`,
    clusterId: 'in01-abc',
    status: 'AVAILABLE',
    creationMethod: 'MANUAL',
    backupType: 'CLUSTER',
    size: 1_000,
    sizeUnreadable: false,
    createTime: new Date(NOW - days * DAY).toISOString().replace(/\.000Z$/, 'Z'),
    collections: undefined,
    unreadableCollections: [],
    ...extra,
  };
}

const rules = (extra: Partial<Rules> = {}): Rules => ({
  scope: { backupType: 'CLUSTER', collections: [], database: undefined },
  keepLast: 3,
  olderThanMs: undefined,
  protect: [],
  maxDeletions: 100,
  ...extra,
});

const ids = (list: { backup: BackupInfo }[]): string[] => list.map((d) => d.backup.backupId);

/** b1 (1 day old) … bn (n days old), listed in a shuffled order. */
function aged(n: number): BackupInfo[] {
  const list = Array.from({ length: n }, (_, i) => backup(`b${i + 1}`, i + 1));
  return [...list.filter((_, i) => i % 2), ...list.filter((_, i) => !(i % 2))];
}

describe('planPrune', () => {
  it('keeps the newest keep-last and deletes the rest, oldest first', () => {
    const plan = planPrune(aged(7), rules(), NOW);
    expect(ids(plan.decisions)).toEqual(['b1', 'b2', 'b3', 'b4', 'b5', 'b6', 'b7']);
    expect(ids(plan.toDelete)).toEqual(['b7', 'b6', 'b5', 'b4']);
    expect(plan.decisions.slice(0, 3).map((d) => d.reason)).toEqual(['newest', 'newest', 'newest']);
    expect(plan.leftOver).toEqual([]);
  });

  it('deletes nothing when there are no more than keep-last', () => {
    expect(planPrune(aged(3), rules(), NOW).toDelete).toEqual([]);
    expect(planPrune([], rules(), NOW).decisions).toEqual([]);
  });

  it('with older-than, deletes only what is outside keep-last and older than that', () => {
    const plan = planPrune(aged(10), rules({ olderThanMs: 5.5 * DAY }), NOW);
    expect(ids(plan.toDelete)).toEqual(['b10', 'b9', 'b8', 'b7', 'b6']);
    expect(
      plan.decisions.filter((d) => d.reason === 'too-young').map((d) => d.backup.backupId),
    ).toEqual(['b4', 'b5']);
  });

  it('never lets older-than reach into keep-last', () => {
    const plan = planPrune(aged(5), rules({ keepLast: 4, olderThanMs: 1_000 }), NOW);
    expect(ids(plan.toDelete)).toEqual(['b5']);
  });

  it('keeps protected backups outside keep-last, and counts them inside it', () => {
    const plan = planPrune(aged(6), rules({ keepLast: 2, protect: ['b1', 'b5'] }), NOW);
    expect(ids(plan.toDelete)).toEqual(['b6', 'b4', 'b3']);
    const reasons = Object.fromEntries(plan.decisions.map((d) => [d.backup.backupId, d.reason]));
    expect(reasons).toMatchObject({ b1: 'newest', b2: 'newest', b5: 'protected' });
  });

  it('caps the deletions, oldest first, and leaves the rest over', () => {
    const plan = planPrune(aged(10), rules({ keepLast: 2, maxDeletions: 3 }), NOW);
    expect(ids(plan.toDelete)).toEqual(['b10', 'b9', 'b8']);
    expect(ids(plan.leftOver)).toEqual(['b7', 'b6', 'b5', 'b4', 'b3']);
    expect(plan.leftOver.every((d) => d.verdict === 'over-cap')).toBe(true);
  });

  it('breaks ties of creation time by id: the lower id goes first', () => {
    const same = ['c', 'a', 'b', 'd'].map((id) => backup(id, 10));
    const plan = planPrune([backup('new', 1), ...same], rules({ keepLast: 2 }), NOW);
    expect(ids(plan.decisions)).toEqual(['new', 'd', 'c', 'b', 'a']);
    expect(ids(plan.toDelete)).toEqual(['a', 'b', 'c']);
  });

  it('never deletes automatic, creating or other-type backups, and does not count them', () => {
    const list = [
      backup('creating', 0.1, { status: 'CREATING' }),
      backup('auto', 0.2, { creationMethod: 'AUTO' }),
      backup('unknown-method', 0.3, { creationMethod: undefined }),
      backup('collection', 0.4, { backupType: 'COLLECTION' }),
      backup('m1', 1),
      backup('m2', 2),
      backup('auto-old', 50, { creationMethod: 'AUTO' }),
      backup('m3', 3),
    ];
    const plan = planPrune(list, rules({ keepLast: 1 }), NOW);
    expect(ids(plan.decisions)).toEqual(['creating', 'm1', 'm2', 'm3']);
    expect(plan.decisions[0]?.reason).toBe('not-available');
    expect(ids(plan.toDelete)).toEqual(['m3', 'm2']);
  });

  it('keeps a backup whose creation time cannot be read, and does not count it', () => {
    const list = [backup('odd', 5, { createTime: 'yesterday' }), ...aged(3)];
    const plan = planPrune(list, rules({ keepLast: 2 }), NOW);
    expect(plan.decisions[0]).toMatchObject({ verdict: 'keep', reason: 'unknown-age' });
    expect(ids(plan.toDelete)).toEqual(['b3']);
  });

  it('decides the same whatever order the list came in', () => {
    const list = aged(12);
    const reversed = planPrune([...list].reverse(), rules({ maxDeletions: 4 }), NOW);
    const plan = planPrune(list, rules({ maxDeletions: 4 }), NOW);
    expect(ids(reversed.toDelete)).toEqual(ids(plan.toDelete));
    expect(ids(reversed.leftOver)).toEqual(ids(plan.leftOver));
  });
});

describe('inScope', () => {
  const collection = (dbName: string | undefined, names: string[]): Partial<BackupInfo> => ({
    backupType: 'COLLECTION',
    collections: names.map((collectionName) => ({ dbName, collectionName })),
  });
  const scope = {
    backupType: 'COLLECTION' as const,
    collections: ['orders', 'items'],
    database: 'shop',
  };

  it('takes a collection backup only when it holds exactly those collections of that database', () => {
    expect(inScope(backup('x', 1, collection('shop', ['items', 'orders'])), scope)).toBe(true);
    expect(inScope(backup('x', 1, collection('shop', ['orders'])), scope)).toBe(false);
    expect(inScope(backup('x', 1, collection('shop', ['orders', 'items', 'users'])), scope)).toBe(
      false,
    );
    expect(inScope(backup('x', 1, collection('default', ['orders', 'items'])), scope)).toBe(false);
    expect(inScope(backup('x', 1, { backupType: 'COLLECTION' }), scope)).toBe(false);
    expect(
      inScope(
        backup('x', 1, { ...collection('shop', ['orders', 'items']), creationMethod: 'AUTO' }),
        scope,
      ),
    ).toBe(false);
  });

  it('takes a cluster backup for the CLUSTER scope only', () => {
    expect(inScope(backup('x', 1), rules().scope)).toBe(true);
    expect(inScope(backup('x', 1), scope)).toBe(false);
  });
});
