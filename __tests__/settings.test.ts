import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { parse } from 'yaml';
import { DEFAULTS, readSettings } from '../src/backup/settings.ts';
import { InputError, parseDuration, parseList } from '../src/core/inputs.ts';
import { setInputs } from './helpers/env.ts';

const KEY = 'test-key-9f8e7d6c5b4a';
const base = { 'api-key': KEY, 'cluster-id': 'in01-3e5ad8adc38a1b2' };

let restore: () => void = () => undefined;
afterEach(() => {
  restore();
  vi.restoreAllMocks();
});

function settingsFor(inputs: Record<string, string>) {
  restore = setInputs({ ...base, ...inputs });
  return readSettings();
}

function problemsFor(inputs: Record<string, string>): string {
  restore = setInputs(inputs);
  try {
    readSettings();
  } catch (error) {
    expect(error).toBeInstanceOf(InputError);
    return (error as Error).message;
  }
  throw new Error('readSettings accepted the inputs');
}

describe('readSettings', () => {
  it('applies the documented defaults', () => {
    expect(settingsFor({})).toEqual({
      apiKey: KEY,
      clusterId: 'in01-3e5ad8adc38a1b2',
      backupType: 'CLUSTER',
      collections: [],
      database: undefined,
      wait: true,
      timeoutMs: 3_600_000,
      baseUrl: 'https://api.cloud.zilliz.com',
      ifInProgress: 'wait',
      copyToRegions: [],
      verify: 'auto',
      clusterToken: undefined,
      secrets: [],
      ledger: undefined,
      githubToken: '',
      ledgerFailure: 'warn',
    });
  });

  it('uses the same defaults as action.yml', () => {
    const action = parse(readFileSync(join(import.meta.dirname, '..', 'action.yml'), 'utf8')) as {
      inputs: Record<string, { default?: string }>;
    };
    for (const [name, value] of Object.entries(DEFAULTS)) {
      expect(action.inputs[name]?.default, name).toBe(value);
    }
  });

  it('masks the API key before anything else is printed', () => {
    const writes: string[] = [];
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
      writes.push(String(chunk));
      return true;
    });
    settingsFor({});
    expect(writes[0]).toContain(`::add-mask::${KEY}`);
  });

  it('reads enums in any case', () => {
    const settings = settingsFor({
      'backup-type': 'collection',
      collections: 'a',
      'if-in-progress': 'FAIL',
    });
    expect(settings.backupType).toBe('COLLECTION');
    expect(settings.ifInProgress).toBe('fail');
  });

  it('splits collections on commas and newlines, trims, drops blanks and duplicates', () => {
    const settings = settingsFor({
      'backup-type': 'COLLECTION',
      collections: ' orders, items\n\n  users ,orders,\n_private1\n',
      database: 'shop',
    });
    expect(settings.collections).toEqual(['orders', 'items', 'users', '_private1']);
    expect(settings.database).toBe('shop');
  });

  it('accepts the boolean forms of getBooleanInput', () => {
    expect(settingsFor({ wait: 'False' }).wait).toBe(false);
    expect(settingsFor({ wait: 'TRUE' }).wait).toBe(true);
  });

  it('keeps a path prefix and drops a trailing slash; allows http on loopback', () => {
    expect(settingsFor({ 'base-url': 'https://gw.example.com/zilliz/' }).baseUrl).toBe(
      'https://gw.example.com/zilliz',
    );
    expect(settingsFor({ 'base-url': 'http://127.0.0.1:8080/' }).baseUrl).toBe(
      'http://127.0.0.1:8080',
    );
    expect(settingsFor({ 'base-url': 'http://localhost:3000' }).baseUrl).toBe(
      'http://localhost:3000',
    );
    expect(settingsFor({ 'base-url': 'http://127.4.5.6' }).baseUrl).toBe('http://127.4.5.6');
    expect(settingsFor({ 'base-url': 'http://[::1]:9000' }).baseUrl).toBe('http://[::1]:9000');
  });

  it('parses copy-to-regions', () => {
    expect(
      settingsFor({ 'copy-to-regions': 'aws-us-east-1,\naws-eu-central-1' }).copyToRegions,
    ).toEqual(['aws-us-east-1', 'aws-eu-central-1']);
  });

  it.each([
    [
      { 'cluster-id': 'in01/../x' },
      'cluster-id: "in01/../x" is not a cluster id, which has only letters, digits and hyphens',
    ],
    [
      { 'cluster-id': 'My cluster' },
      'cluster-id: "My cluster" is not a cluster id, which has only letters, digits and hyphens ' +
        "(e.g. in01-3e5ad8adc38a1b2): if it is the cluster's name, use its id, shown under the " +
        'name in the console and at the start of its public endpoint (clusters in China regions, ' +
        'ali-* and tc-*, also need base-url: https://api.cloud.zilliz.com.cn)',
    ],
    [
      { 'cluster-id': 'https://in01-3e5ad8adc38a1b2.aws-us-west-2.vectordb.zillizcloud.com:19530' },
      'is a URL, not a cluster id: the id is its first part, "in01-3e5ad8adc38a1b2", e.g. ' +
        'cluster-id: in01-3e5ad8adc38a1b2 (clusters in China regions, ali-* and tc-*, also need ' +
        'base-url: https://api.cloud.zilliz.com.cn)',
    ],
    [
      { 'cluster-id': 'in01-3e5ad8adc38a1b2.ali-cn-hangzhou.vectordb.zilliz.com.cn:19530' },
      'is a URL, not a cluster id: the id is its first part, "in01-3e5ad8adc38a1b2"',
    ],
    [
      { 'cluster-id': 'https://cloud.zilliz.com/orgs/org-x/projects/proj-y/clusters/in01-abc123' },
      'is a URL, not a cluster id: the id is its first part, "in01-abc123"',
    ],
    [{ 'cluster-id': '' }, 'cluster-id: is required'],
    [
      { 'api-key': '' },
      'api-key: is empty. Pass a Zilliz Cloud API key from a secret (api-key: ${{ secrets.NAME }}) ' +
        'and check that NAME is spelt as the secret is (an unknown secret is empty, not an error), ' +
        "that the job's environment: holds it if it is an environment secret, and that the run " +
        'does not come from a fork (workflows triggered from forks get no secrets)',
    ],
    [{ 'backup-type': 'FULL' }, 'backup-type: "FULL" is not one of CLUSTER, COLLECTION'],
    [{ 'backup-type': 'COLLECTION' }, 'collections: is required when backup-type is COLLECTION'],
    [{ collections: 'orders' }, 'collections: must be empty when backup-type is CLUSTER'],
    [{ database: 'shop' }, 'database: must be empty when backup-type is CLUSTER'],
    [
      { 'backup-type': 'COLLECTION', collections: 'ok,1bad' },
      'collections: "1bad" is not a valid name',
    ],
    [{ 'backup-type': 'COLLECTION', collections: 'a-b' }, 'collections: "a-b" is not a valid name'],
    [
      { 'backup-type': 'COLLECTION', collections: 'x'.repeat(256) },
      'is longer than 255 characters',
    ],
    [
      { 'backup-type': 'COLLECTION', collections: 'a', database: 'my-db' },
      'database: "my-db" is not a valid name',
    ],
    [
      { wait: 'yes' },
      'wait: "yes" is not a boolean (accepted: true, True, TRUE, false, False, FALSE)',
    ],
    [{ timeout: 'soon' }, 'timeout: "soon" is not a duration'],
    [{ timeout: '0' }, 'timeout: "0" is out of range (from 1s to 24h)'],
    [{ timeout: '25h' }, 'timeout: "25h" is out of range'],
    [{ 'base-url': 'http://api.example.com' }, 'must use https://'],
    [{ 'base-url': 'not a url' }, 'base-url: "not a url" is not a URL'],
    [{ 'base-url': 'https://user:pw@api.example.com' }, 'base-url: must not contain credentials'],
    [{ 'base-url': 'https://api.example.com/?x=1' }, 'must not have a query or fragment'],
    [{ 'base-url': 'https://api.example.com/#top' }, 'must not have a query or fragment'],
    [{ 'if-in-progress': 'skip' }, 'if-in-progress: "skip" is not one of wait, fail'],
    [{ 'copy-to-regions': 'US East' }, 'copy-to-regions: "US East" is not a region id'],
  ])('rejects %j', (inputs, message) => {
    expect(problemsFor({ ...base, ...inputs })).toContain(message);
  });

  it('reports every problem at once', () => {
    const message = problemsFor({
      'api-key': KEY,
      'cluster-id': 'bad id',
      wait: 'maybe',
      timeout: 'x',
    });
    expect(message).toContain('cluster-id');
    expect(message).toContain('wait');
    expect(message).toContain('timeout');
  });

  it('never quotes the API key', () => {
    const message = problemsFor({ 'api-key': 'secret with space', 'cluster-id': 'x' });
    expect(message).toContain('api-key: must not contain spaces');
    expect(message).not.toContain('secret with space');
  });
});

describe('parseDuration', () => {
  it.each([
    ['90s', 90_000],
    ['15m', 900_000],
    ['1h30m', 5_400_000],
    ['1h 30m 5s', 5_405_000],
    ['600', 600_000],
    ['2H', 7_200_000],
    ['30d', 2_592_000_000],
    ['12h', 43_200_000],
    ['1d12h', 129_600_000],
    ['1d 2h 3m 4s', 93_784_000],
  ])('%s → %d ms', (text, ms) => expect(parseDuration(text)).toBe(ms));

  it.each(['', 'h', '1.5h', '-5', '10 minutes', '1.5d', 'd', '12h1d', '1w'])('rejects %j', (text) =>
    expect(parseDuration(text)).toBeUndefined(),
  );
});

describe('parseList', () => {
  it('handles CRLF line ends from Windows-edited workflows', () => {
    expect(parseList('a\r\nb\r\n')).toEqual(['a', 'b']);
  });
});
