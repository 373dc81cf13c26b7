// @actions/github is in every bundle as a chunk of its own (src/core/github.ts), ready for the code
// that will record deployments on GitHub: a run that does not ask for the GitHub API never loads
// it, and a bundle that does ask loads it and talks to the GitHub API named by GITHUB_API_URL.
// What a process loads is recorded by a preloaded hook (helpers/record-loads.ts).
import { once } from 'node:events';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { actionNamed, bundlePath, type SuiteAction } from '../scripts/actions.ts';
import { bundle } from '../scripts/build.ts';
import type { Inputs } from '../scripts/runner.ts';
import { expectExit, runBundled } from './helpers/children.ts';
import { DEFAULT_CLUSTER_ID } from '../simulator/server.ts';
import { useSimulator } from './helpers/sim.ts';

const RECORD_LOADS = pathToFileURL(join(import.meta.dirname, 'helpers', 'record-loads.ts')).href;
const BACKUP = 'backup5_00aa11bb22cc33d';

let dir: string;
beforeAll(() => void (dir = mkdtempSync(join(tmpdir(), 'zilliz-github-test-'))));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The chunks beside a bundle: `<id>.index.js`, loaded by a dynamic import only. */
function chunksBeside(bundleFile: string): string[] {
  return readdirSync(dirname(bundleFile))
    .filter((name) => /^\d+\.index\.js$/.test(name))
    .map((name) => join(dirname(bundleFile), name));
}

let runs = 0;
/** Runs `bundleFile` as the runner does; returns the run and the files of every module it loaded. */
async function runRecorded(
  bundleFile: string,
  inputs: Inputs,
  env: Record<string, string> = {},
): Promise<{ result: Awaited<ReturnType<typeof runBundled>>; loaded: string[] }> {
  const record = join(dir, `loads-${++runs}.txt`);
  const result = await runBundled(inputs, {
    bundle: bundleFile,
    env: { NODE_OPTIONS: `--import=${RECORD_LOADS}`, RECORD_LOADS_TO: record, ...env },
  });
  const urls = readFileSync(record, 'utf8').split('\n').filter(Boolean);
  return {
    result,
    loaded: urls.filter((url) => url.startsWith('file:')).map((url) => new URL(url).pathname),
  };
}

describe('the actions’ bundles', () => {
  const sim = useSimulator({
    jobDurationMs: 300,
    restoreJobDurationMs: 300,
    collectionsField: 'dbCollections',
    existingBackups: [
      {
        backupId: BACKUP,
        backupType: 'COLLECTION',
        creationMethod: 'MANUAL',
        collections: [{ dbName: 'shop', collectionNames: ['orders'] }],
      },
    ],
  });

  const WHOLE_RUNS: [SuiteAction['name'], Inputs, string][] = [
    ['backup', { timeout: '1m' }, 'SUCCESSFUL'],
    ['restore', { 'backup-id': BACKUP, timeout: '1m' }, 'SUCCESSFUL'],
    ['prune', { 'keep-last': '1', 'dry-run': 'true' }, 'DRY_RUN'],
  ];
  it.each(WHOLE_RUNS)(
    '%s: a whole run never loads the GitHub chunk beside it',
    async (name, extra, status) => {
      const bundleFile = bundlePath(actionNamed(name));
      const chunks = chunksBeside(bundleFile);
      // One chunk: @actions/github and what it needs that the bundle does not hold already.
      expect(chunks).toHaveLength(1);
      expect(readFileSync(chunks[0] as string, 'utf8')).toContain('getOctokit');

      const { result, loaded } = await runRecorded(bundleFile, {
        'api-key': sim().apiKey,
        'cluster-id': DEFAULT_CLUSTER_ID,
        'base-url': sim().url,
        ...extra,
      });
      expect(result.stderr).toBe('');
      expectExit(result, 0);
      expect(result.outputs.status).toBe(status);
      expect(loaded).toContain(bundleFile);
      expect(loaded).not.toContain(chunks[0]);
    },
  );
});

describe('a bundle that asks for the GitHub API', () => {
  let built: string;
  let server: ReturnType<typeof createServer>;
  const seen: { url: string; headers: IncomingHttpHeaders }[] = [];

  beforeAll(async () => {
    // Built as scripts/build.ts builds the actions (ncc takes tens of seconds on a busy machine).
    const out = join(dir, 'fixture');
    await bundle('__tests__/fixtures/github-entry.ts', out);
    built = join(out, 'index.js');
    // A stand-in for the GitHub API: one repository with two production deployments.
    server = createServer((req, res) => {
      seen.push({ url: req.url ?? '', headers: req.headers });
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify([{ id: 41 }, { id: 42 }]));
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
  }, 300_000);
  afterAll(() => server?.close());

  it('has the very chunk that is beside each action’s bundle', () => {
    const [chunk] = chunksBeside(built);
    expect(chunksBeside(built)).toHaveLength(1);
    for (const action of ['backup', 'restore', 'prune'] as const) {
      const [shipped] = chunksBeside(bundlePath(actionNamed(action)));
      expect(readFileSync(shipped as string)).toEqual(readFileSync(chunk as string));
    }
  });

  it('does not load the chunk until the GitHub API is asked for', async () => {
    const { result, loaded } = await runRecorded(built, {});
    expect(result.stderr).toBe('');
    expect(result.stdout).toContain('no GitHub API asked for');
    expect(loaded).toContain(built);
    expect(loaded).not.toContain(chunksBeside(built)[0]);
  });

  it('loads the chunk when asked, and lists deployments from GITHUB_API_URL with the token', async () => {
    const port = (server.address() as AddressInfo).port;
    const { result, loaded } = await runRecorded(
      built,
      {},
      {
        LIST_DEPLOYMENTS: '1',
        GITHUB_API_URL: `http://127.0.0.1:${port}`,
        TOKEN: 'ghs_test0token',
      },
    );
    expect(result.stderr).toBe('');
    expectExit(result, 0);
    expect(loaded).toContain(chunksBeside(built)[0]);
    expect(result.stdout.trim()).toBe('[41,42]');
    expect(seen).toHaveLength(1);
    expect(seen[0]?.url).toBe('/repos/acme/shop/deployments?environment=production');
    expect(seen[0]?.headers.authorization).toBe('token ghs_test0token');
  });
});
