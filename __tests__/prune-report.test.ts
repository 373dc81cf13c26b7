// Pieces of the prune report: ages, the status output, and the counts known at each ending.
import { describe, expect, it } from 'vitest';
import { DeadlineExceededError } from '../src/core/deadline.ts';
import { deletedIds, formatAge, keptCount, pruneStatus } from '../src/prune/report.ts';
import { planPrune } from '../src/prune/plan.ts';
import type { Settings } from '../src/prune/settings.ts';
import type { PruneRecord } from '../src/prune/workflow.ts';
import type { BackupInfo } from '../src/api/backups.ts';

const settings = (dryRun = false): Settings => ({
  apiKey: 'k',
  clusterId: 'in01-1',
  baseUrl: 'https://api.cloud.zilliz.com',
  timeoutMs: 60_000,
  backupType: 'CLUSTER',
  collections: [],
  database: undefined,
  keepLast: 1,
  olderThanMs: undefined,
  protect: [],
  maxDeletions: 10,
  dryRun,
  protectLedger: undefined,
  protectLedgerCount: 1,
  githubToken: '',
  secrets: [],
});

const backup = (id: string, day: number): BackupInfo => ({
  backupId: id,
  backupName: id,
  clusterId: undefined,
  status: 'AVAILABLE',
  creationMethod: 'MANUAL',
  backupType: 'CLUSTER',
  size: 10,
  sizeUnreadable: false,
  createTime: `2026-01-${String(day).padStart(2, '0')}T00:00:00Z`,
  collections: undefined,
  unreadableCollections: [],
});

describe('formatAge', () => {
  it.each([
    [90_000, '1m30s'],
    [5 * 3_600_000, '5h'],
    [86_400_000, '1d'],
    [3 * 86_400_000 + 4 * 3_600_000 + 59_000, '3d4h'],
  ])('%d ms → %s', (ms, text) => expect(formatAge(ms)).toBe(text));
});

describe('pruneStatus', () => {
  const input = { settings: settings(), record: { deleted: [], failures: [] }, elapsedMs: 1 };
  it('says SUCCESSFUL, DRY_RUN, TIMED_OUT or FAILED', () => {
    expect(pruneStatus(input)).toBe('SUCCESSFUL');
    expect(pruneStatus({ ...input, settings: settings(true) })).toBe('DRY_RUN');
    expect(pruneStatus({ ...input, error: new DeadlineExceededError('late') })).toBe('TIMED_OUT');
    expect(pruneStatus({ ...input, error: new Error('refused') })).toBe('FAILED');
    expect(pruneStatus({ ...input, cancelled: true })).toBe('FAILED');
  });
});

describe('the counts', () => {
  it('lists deleted ids oldest first whatever order the deletes finished in', () => {
    const list = [backup('a', 4), backup('b', 3), backup('c', 2), backup('d', 1)];
    const plan = planPrune(list, { ...settings(), scope: settings() }, Date.parse('2026-02-01'));
    const record: PruneRecord = {
      plan,
      deleted: [list[1], list[3], list[2]] as BackupInfo[],
      failures: [],
    };
    expect(deletedIds(record)).toEqual(['d', 'c', 'b']);
    // Before the last list, the kept count comes from the plan.
    expect(keptCount(record)).toBe(1);
    expect(
      keptCount({ ...record, leftInScope: [list[0] as BackupInfo, list[1] as BackupInfo] }),
    ).toBe(2);
    expect(keptCount({ deleted: [], failures: [] })).toBeUndefined();
  });
});
