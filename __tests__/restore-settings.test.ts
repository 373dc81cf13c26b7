// The restore action's inputs: the ones it shares with the backup action parse exactly alike;
// its own are checked before any request, every problem at once; its defaults are action.yml's.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { readSettings as readBackupSettings } from '../src/backup/settings.ts';
import { InputError } from '../src/core/inputs.ts';
import { DEFAULTS, readSettings } from '../src/restore/settings.ts';
import { setInputs } from './helpers/env.ts';
import { ROOT } from './helpers/workflows.ts';

const KEY = 'test-key-9f8e7d6c5b4a';
const base = { 'api-key': KEY, 'cluster-id': 'in01-3e5ad8adc38a1b2', 'backup-id': 'backup1_abc' };

let undo: () => void = () => undefined;
afterEach(() => undo());

function problems(read: () => unknown, inputs: Record<string, string>): string[] {
  undo = setInputs(inputs);
  try {
    read();
  } catch (error) {
    expect(error).toBeInstanceOf(InputError);
    return (error as InputError).problems;
  }
  return [];
}

describe('the restore settings', () => {
  it.each([
    { 'api-key': '' },
    { 'api-key': 'has space' },
    { 'cluster-id': '' },
    { 'cluster-id': 'in01_bad!' },
    { 'base-url': 'http://example.com' },
    { 'base-url': 'https://u:p@api.example.com/?q' },
    { timeout: '0' },
    { timeout: 'soon' },
    { timeout: '25h' },
    { wait: 'maybe' },
  ] as Record<string, string>[])('parse %o exactly as the backup action does', (bad) => {
    const shared = (list: string[]) =>
      list.filter((p) => /^(api-key|cluster-id|base-url|timeout|wait):/.test(p));
    const restore = shared(problems(readSettings, { ...base, ...bad }));
    undo();
    const backup = shared(problems(readBackupSettings, { ...base, ...bad }));
    expect(restore.length).toBeGreaterThan(0);
    expect(restore).toEqual(backup);
  });

  it('reads durations, booleans and enums alike (90s, TRUE, keep)', () => {
    undo = setInputs({ ...base, timeout: '1h30m', wait: 'TRUE', 'collection-status': 'release' });
    expect(readSettings()).toMatchObject({
      timeoutMs: 5_400_000,
      wait: true,
      collectionStatus: 'RELEASE',
    });
  });

  it("tells suffix: '' apart from a suffix left out", () => {
    undo = setInputs(base);
    expect(readSettings().suffix).toBe('_restored');
    undo();
    undo = setInputs({ ...base, suffix: '' });
    expect(readSettings().suffix).toBe('');
  });

  it('reads rename pairs from commas and newlines', () => {
    undo = setInputs({ ...base, rename: 'orders:orders_v1, items : items_v1\nusers:u2' });
    expect([...readSettings().rename]).toEqual([
      ['orders', 'orders_v1'],
      ['items', 'items_v1'],
      ['users', 'u2'],
    ]);
  });

  it('reports every mistake of its own inputs at once', () => {
    expect(
      problems(readSettings, {
        ...base,
        'backup-id': 'latest',
        collections: 'orders,items,1bad',
        suffix: '-x',
        rename: 'orders:a, items:a, users',
        wait: 'false',
        'target-cluster-id': 'in01 x',
        'cu-size': '2000',
        'collection-status': 'MAYBE',
        'cluster-name': '-bad',
        'project-id': 'p/1',
      }),
    ).toEqual([
      'backup-id: "latest" is not accepted: name the backup to restore (e.g. ${{ steps.backup.outputs.backupId }})',
      'collections: "1bad" is not a valid name (letters, digits and underscores; the first character a letter or an underscore)',
      'target-cluster-id: "in01 x" is not a cluster id, which has only letters, digits and hyphens (e.g. in01-3e5ad8adc38a1b2): if it is the cluster\'s name, use its id, shown under the name in the console and at the start of its public endpoint (clusters in China regions, ali-* and tc-*, also need base-url: https://api.cloud.zilliz.com.cn)',
      `suffix: "-x" may contain only letters, digits and underscores (e.g. _restored, or '' for the original names)`,
      'rename: two collections are renamed to "a"',
      'rename: "users" is not a source:target pair (e.g. orders:orders_v1)',
      'suffix and rename: give one or the other (rename names every target itself: leave suffix at its default)',
      'wait: false is accepted only with a single collection (restores run one at a time: the next one starts when the previous one has finished)',
      'project-id: "p/1" may contain only letters, digits, underscores and hyphens (e.g. proj-4487580fcfe2c8a4391686)',
      'cluster-name: "-bad" is not a cluster name (letters, digits and hyphens, starting with a letter or digit, at most 64)',
      'cu-size: "2000" is not a whole number from 1 to 1024',
      'collection-status: "MAYBE" is not one of KEEP, RELEASE (any case)',
    ]);
  });

  it('never quotes the API key in a problem', () => {
    const key = 'secret key with spaces';
    expect(problems(readSettings, { ...base, 'api-key': key }).join('\n')).not.toContain(key);
  });

  it("has restore/action.yml's defaults, and its runs.main is the restore bundle", () => {
    const action = parse(readFileSync(join(ROOT, 'restore', 'action.yml'), 'utf8')) as {
      inputs: Record<string, { default?: string }>;
      runs: { using: string; main: string };
    };
    for (const [name, value] of Object.entries(DEFAULTS)) {
      expect(action.inputs[name]?.default, name).toBe(value);
    }
    expect(action.runs).toEqual({ using: 'node24', main: '../dist/restore/index.js' });
  });
});
