// The words a user reads first: the headline, sizes, and what to do next.
import { describe, expect, it } from 'vitest';
import { newRecord, type BackupRecord } from '../src/backup/workflow.ts';
import { DeadlineExceededError } from '../src/core/deadline.ts';
import { ApiError, NetworkError } from '../src/api/errors.ts';
import { headline, nextSteps } from '../src/backup/report.ts';
import { formatSize } from '../src/core/summary.ts';
import type { Settings } from '../src/backup/settings.ts';

const settings: Settings = {
  apiKey: 'k',
  clusterId: 'in01-abc',
  backupType: 'CLUSTER',
  collections: [],
  database: undefined,
  wait: true,
  timeoutMs: 45 * 60_000,
  baseUrl: 'https://api.cloud.zilliz.com',
  ifInProgress: 'wait',
  copyToRegions: [],
  verify: 'auto',
  clusterToken: undefined,
  secrets: [],
  ledger: undefined,
  githubToken: '',
  ledgerFailure: 'warn',
};
const created: BackupRecord = {
  ...newRecord(),
  backupId: 'backup1_a',
  backupName: 'Dedicated-01_backup1',
  jobId: 'job-1',
};
const none: BackupRecord = newRecord();

describe('headline', () => {
  it.each([
    [
      { record: { ...created, status: 'SUCCESSFUL' as const } },
      'Zilliz Cloud backup Dedicated-01_backup1 (backup1_a) of cluster in01-abc: SUCCESSFUL',
    ],
    [
      { record: { ...created, status: 'TIMED_OUT' as const } },
      'Zilliz Cloud backup Dedicated-01_backup1 (backup1_a) of cluster in01-abc: TIMED_OUT',
    ],
    [
      { record: created, cancelled: true },
      'Step cancelled: backup Dedicated-01_backup1 (backup1_a) of cluster in01-abc goes on in Zilliz Cloud',
    ],
    [
      { record: none, cancelled: true },
      'Step cancelled before a backup of cluster in01-abc was made',
    ],
    [{ record: none, error: new Error('x') }, 'No backup of cluster in01-abc was made'],
    [
      { record: { ...created, status: 'STARTED' as const } },
      'Zilliz Cloud backup Dedicated-01_backup1 (backup1_a) of cluster in01-abc: STARTED, still running (wait: false, not waited for)',
    ],
  ])('%#', (input, text) => {
    expect(headline({ settings, elapsedMs: 0, ...input })).toBe(text);
  });
});

describe('formatSize', () => {
  it('shows bytes, and a readable unit above 1 KiB', () => {
    expect(formatSize(512)).toBe('512 bytes');
    expect(formatSize(1536)).toBe('1.5 KiB (1536 bytes)');
    expect(formatSize(134_218_752)).toBe('128.0 MiB (134218752 bytes)');
  });
});

describe('nextSteps', () => {
  it('names the running backup and the timeout after a timeout', () => {
    const text = nextSteps(new DeadlineExceededError('x'), created, settings);
    expect(text).toContain('45m timeout');
    expect(text).toContain('Backup backup1_a keeps running in Zilliz Cloud');
    // As the README says: a re-run waits for it with the default if-in-progress: wait.
    expect(text).toContain('A re-run waits for it to finish (if-in-progress: wait)');
    expect(
      nextSteps(new DeadlineExceededError('x'), created, { ...settings, ifInProgress: 'fail' }),
    ).toContain('A re-run fails while it runs (if-in-progress: fail)');
  });

  it('says that an unknown host fails at once and names base-url', () => {
    const error = new NetworkError(
      'GET /v2/backups',
      'ENOTFOUND',
      'getaddrinfo ENOTFOUND api.clod.zilliz.com',
    );
    expect(error.transient).toBe(false);
    const text = nextSteps(error, none, settings);
    expect(text).toContain('does not exist, so the step stopped at once');
    expect(text).toContain('base-url');
  });

  it('points at the key for the key error codes', () => {
    for (const code of [21119, 80001, 80002]) {
      expect(nextSteps(new ApiError('GET /x', 401, code, 'bad'), none, settings)).toContain(
        'API key was refused',
      );
    }
  });
});
