// The deploy ledger, over real HTTP against both fakes (Zilliz Cloud and the GitHub REST API,
// reached through GITHUB_API_URL), with the bundles run as the runner runs them: the backup
// records an entry with both statuses; restore finds the right backup by last-successful, a SHA
// or a tag among many entries that must not be taken; prune keeps what the ledger protects; and
// every degradation (no token, a fork, Dependabot, a 403 with the header, 5xx, a hang, rate
// limits) ends as described, within the timeout, never failing a deploy under ledger-failure:
// warn.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import {
  DEFAULT_CLUSTER_ID,
  startSimulator,
  type ExistingBackup,
  type ScenarioInput,
  type Simulator,
} from '../simulator/server.ts';
import {
  MAIN_SHA,
  OCTOCAT,
  READ_ONLY_TOKEN,
  RELEASE_SHA,
  fakeSha,
  startGitHubSimulator,
  type GitHubSimulator,
  type ScenarioInput as GitHubScenario,
  type SeedDeployment,
} from '../simulator/github/server.ts';
import { actionNamed, bundlePath } from '../scripts/actions.ts';
import type { Inputs } from '../scripts/runner.ts';
import { expectExit, runBundled, type TimedRun } from './helpers/children.ts';

const BACKUP = bundlePath(actionNamed('backup'));
const RESTORE = bundlePath(actionNamed('restore'));
const PRUNE = bundlePath(actionNamed('prune'));
const OTHER_SHA = fakeSha('other-commit');
const ENV = 'zilliz-backup/production';

const dir = mkdtempSync(join(tmpdir(), 'zilliz-ledger-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let zilliz: Simulator | undefined;
let github: GitHubSimulator | undefined;
afterEach(async () => {
  await zilliz?.close();
  await github?.close();
  zilliz = undefined;
  github = undefined;
});

/** Both fakes; the GitHub scenario may be made once the Zilliz fake's address is known. */
async function start(
  scenario: ScenarioInput = {},
  githubScenario: GitHubScenario | (() => GitHubScenario) = {},
  pathPrefix?: string,
): Promise<{ z: Simulator; gh: GitHubSimulator }> {
  zilliz = await startSimulator({
    scenario: {
      jobDurationMs: 300,
      restoreJobDurationMs: 300,
      collectionsField: 'dbCollections',
      ...scenario,
    },
  });
  github = await startGitHubSimulator({
    scenario: typeof githubScenario === 'function' ? githubScenario() : githubScenario,
    pathPrefix,
  });
  return { z: zilliz, gh: github };
}

/** The runner's environment for a push to main, run 4242. */
function runnerEnv(
  gh: GitHubSimulator,
  extra: Record<string, string> = {},
): Record<string, string> {
  return {
    GITHUB_API_URL: gh.url,
    GITHUB_SERVER_URL: 'https://github.example',
    GITHUB_REPOSITORY: `${gh.owner}/${gh.repo}`,
    GITHUB_SHA: MAIN_SHA,
    GITHUB_REF: 'refs/heads/main',
    GITHUB_EVENT_NAME: 'push',
    GITHUB_RUN_ID: '4242',
    GITHUB_RUN_ATTEMPT: '1',
    GITHUB_ACTOR: 'octocat',
    ...extra,
  };
}

function run(
  bundle: string,
  z: Simulator,
  gh: GitHubSimulator,
  inputs: Inputs,
  env: Record<string, string> = {},
): Promise<TimedRun> {
  return runBundled(
    {
      'api-key': z.apiKey,
      'cluster-id': DEFAULT_CLUSTER_ID,
      'base-url': z.url,
      'github-token': gh.token,
      timeout: '1m',
      ...inputs,
    },
    { bundle, env: runnerEnv(gh, env) },
  );
}

const collectionBackup: Inputs = {
  'backup-type': 'COLLECTION',
  database: 'shop',
  collections: 'orders',
  ledger: 'production',
};

/** A ledger entry as the backup action writes it, for `backupId` before commit `sha`. */
function entry(
  backupId: string,
  sha: string,
  state: 'success' | 'failure' | 'error' | 'in_progress',
  createdAt: string,
  extra: { payload?: Record<string, unknown>; seed?: Partial<SeedDeployment> } = {},
  apiHost = zilliz ? new URL(zilliz.url).host : '',
): SeedDeployment {
  return {
    environment: ENV,
    task: 'zilliz-backup',
    sha,
    created_at: createdAt,
    payload: {
      type: 'zilliz-backup-ledger',
      version: 1,
      backupId,
      clusterId: DEFAULT_CLUSTER_ID,
      apiHost,
      backupType: 'COLLECTION',
      database: 'shop',
      collections: [{ name: 'orders' }],
      deploy: { environment: 'production', sha },
      run: { id: '1' },
      createdAt,
      ...extra.payload,
    },
    statuses: [
      { state: 'in_progress', created_at: createdAt },
      ...(state === 'in_progress' ? [] : [{ state, created_at: createdAt }]),
    ],
    ...extra.seed,
  };
}

const shopOrders = (backupId: string): ExistingBackup => ({
  backupId,
  backupType: 'COLLECTION',
  creationMethod: 'MANUAL',
  collections: [{ dbName: 'shop', collectionNames: ['orders'] }],
});

const ghRequests = (gh: GitHubSimulator, route?: string) =>
  gh.requests.filter((r) => route === undefined || r.route === route);

describe('the backup records the ledger', () => {
  it('one deployment per backup, in_progress then success, auto_inactive false, linked in the summary', async () => {
    const { z, gh } = await start(
      {},
      // An older successful entry must keep its success.
      {
        deployments: [
          entry('backup0_older000000000', RELEASE_SHA, 'success', '2026-11-01T10:00:00Z', {}, 'x'),
        ],
      },
    );
    const result = await run(BACKUP, z, gh, collectionBackup);
    expectExit(result, 0);
    const [older, recorded] = gh.deployments();
    expect(recorded).toMatchObject({
      environment: ENV,
      task: 'zilliz-backup',
      sha: MAIN_SHA,
      production_environment: false,
      state: 'success',
    });
    expect(recorded?.statuses.map((s) => s.state)).toEqual(['in_progress', 'success']);
    expect(older?.state).toBe('success');
    expect(older?.statuses.some((s) => s.autoInactive)).toBe(false);
    const [backup] = z.backups();
    expect(recorded?.payload).toMatchObject({
      type: 'zilliz-backup-ledger',
      version: 1,
      backupId: backup?.backupId,
      jobId: z.jobs()[0]?.jobId,
      clusterId: DEFAULT_CLUSTER_ID,
      apiHost: new URL(z.url).host,
      backupType: 'COLLECTION',
      database: 'shop',
      collections: [{ name: 'orders' }],
      deploy: { environment: 'production', sha: MAIN_SHA, ref: 'refs/heads/main', event: 'push' },
      run: {
        id: '4242',
        attempt: '1',
        url: `https://github.example/${gh.owner}/${gh.repo}/actions/runs/4242/attempts/1`,
      },
    });
    const create = ghRequests(gh, 'createDeployment')[0]?.body as Record<string, unknown>;
    expect(create).toMatchObject({ auto_merge: false, required_contexts: [], ref: MAIN_SHA });
    const statuses = ghRequests(gh, 'createStatus').map((r) => r.body as Record<string, unknown>);
    expect(statuses.every((s) => s.auto_inactive === false)).toBe(true);
    expect(result.outputs).toMatchObject({
      ledgerStatus: 'RECORDED',
      deploymentId: String(recorded?.id),
    });
    expect(result.summary).toContain(
      `<a href="https&#58;//github.example/${gh.owner}/${gh.repo}/deployments/zilliz-backup%2Fproduction">`,
    );
  });

  it('ends the entry in failure when the backup job fails', async () => {
    const { z, gh } = await start({ jobOutcome: 'FAILED' });
    const result = await run(BACKUP, z, gh, collectionBackup);
    expectExit(result, 1);
    expect(gh.deployments()[0]?.statuses.map((s) => s.state)).toEqual(['in_progress', 'failure']);
  });

  it('works on GitHub Enterprise Server, through GITHUB_API_URL with /api/v3', async () => {
    const { z, gh } = await start({}, {}, '/api/v3');
    const result = await run(BACKUP, z, gh, collectionBackup);
    expectExit(result, 0);
    expect(result.outputs.ledgerStatus).toBe('RECORDED');
    expect(ghRequests(gh).every((r) => r.path.startsWith('/api/v3/'))).toBe(true);
  });

  it('makes no GitHub request at all without the ledger input', async () => {
    const { z, gh } = await start();
    const result = await run(BACKUP, z, gh, { ...collectionBackup, ledger: '' });
    expectExit(result, 0);
    expect(gh.requests).toHaveLength(0);
    expect(result.outputs.ledgerStatus).toBeUndefined();
  });
});

describe('restore from the ledger', () => {
  /** Many entries, of which one is the right one for each question. */
  function ledger(): GitHubScenario {
    return {
      tags: { 'v1.4': OTHER_SHA },
      deployments: [
        entry('backup2_rightlast000000', MAIN_SHA, 'success', '2026-11-20T10:00:00Z'),
        entry('backup3_forothersha0000', OTHER_SHA, 'success', '2026-11-19T10:00:00Z'),
        // Newer, but each must be passed over:
        entry('backup4_failed000000000', MAIN_SHA, 'failure', '2026-11-21T10:00:00Z'),
        entry('backup5_otherenv0000000', MAIN_SHA, 'success', '2026-11-22T10:00:00Z', {
          seed: { environment: 'zilliz-backup/staging' },
        }),
        entry('backup6_othercluster000', MAIN_SHA, 'success', '2026-11-23T10:00:00Z', {
          payload: { clusterId: 'in01-0a1b2c3d4e5f607' },
        }),
        entry('backup7_foreign00000000', MAIN_SHA, 'success', '2026-11-24T10:00:00Z', {
          payload: { type: 'someone-else', version: 1 },
        }),
        entry('backup8_byauser00000000', MAIN_SHA, 'success', '2026-11-25T10:00:00Z', {
          seed: { creator: OCTOCAT },
        }),
        entry('backup9_otherhost000000', MAIN_SHA, 'success', '2026-11-26T10:00:00Z', {
          payload: { apiHost: 'api.cloud.zilliz.com.cn' },
        }),
        {
          ...entry('backup1_stringpayload00', MAIN_SHA, 'success', '2026-11-27T10:00:00Z'),
          payload: 'not json {',
        },
      ],
    };
  }
  const backups = [shopOrders('backup2_rightlast000000'), shopOrders('backup3_forothersha0000')];

  it.each([
    ['last-successful', 'backup2_rightlast000000'],
    [OTHER_SHA, 'backup3_forothersha0000'],
    ['v1.4', 'backup3_forothersha0000'],
  ])(
    'from: %s picks %s among entries that must not be taken, says so first, and restores it',
    async (from, picked) => {
      const { z, gh } = await start({ existingBackups: backups }, ledger);
      const result = await run(RESTORE, z, gh, { from, ledger: 'production' });
      expectExit(result, 0);
      const restores = z.requests.filter((r) => r.route === 'restoreCollection');
      expect(restores).toHaveLength(1);
      expect(restores[0]?.path).toContain(`/backups/${picked}/`);
      // Database and collections came from the entry.
      expect(JSON.parse(result.outputs.restored ?? '[]')).toEqual([
        expect.objectContaining({ database: 'shop', source: 'orders', status: 'SUCCESSFUL' }),
      ]);
      // The choice is said before anything is asked of Zilliz Cloud.
      const said = result.stdout.indexOf(`names backup ${picked}`);
      expect(said).toBeGreaterThan(-1);
      expect(said).toBeLessThan(result.stdout.indexOf('Restoring backup'));
      expect(z.requests.every((r) => r.route !== 'unknown')).toBe(true);
    },
  );

  it('refuses an entry whose backup no longer exists, naming it', async () => {
    const { z, gh } = await start({ existingBackups: [] }, ledger);
    const result = await run(RESTORE, z, gh, { from: 'last-successful', ledger: 'production' });
    expectExit(result, 1);
    expect(result.stdout).toMatch(
      /::error::backup backup2_rightlast000000, which deploy ledger entry \d+ names, no longer exists in Zilliz Cloud/,
    );
    expect(z.requests.filter((r) => r.route === 'restoreCollection')).toHaveLength(0);
  });

  it('fails, naming what it passed over, when no entry for the commit succeeded', async () => {
    const { z, gh } = await start({ existingBackups: backups }, ledger);
    const result = await run(RESTORE, z, gh, { from: RELEASE_SHA, ledger: 'production' });
    expectExit(result, 1);
    expect(result.stdout).toContain(`has no successful entry for ${RELEASE_SHA}`);
    expect(z.requests).toHaveLength(0);
  });

  it('names the permissions a token without deployments: read needs', async () => {
    const { z, gh } = await start(
      { existingBackups: backups },
      { ...ledger(), tokens: { ghs_no_deployments: { deployments: 'none' } } },
    );
    const result = await run(RESTORE, z, gh, {
      from: 'last-successful',
      ledger: 'production',
      'github-token': 'ghs_no_deployments',
    });
    expectExit(result, 1);
    expect(result.stdout).toContain('GitHub says it needs deployments=read');
    expect(result.stdout).toContain('permissions:%0A  contents: read%0A  deployments: read');
    expect(z.requests).toHaveLength(0);
  });
});

describe('prune keeps what the ledger protects', () => {
  const manual = (n: number): ExistingBackup[] =>
    Array.from({ length: n }, (_, i) => ({
      backupId: `b${i + 1}`,
      creationMethod: 'MANUAL' as const,
      backupType: 'CLUSTER' as const,
      ageMs: (i + 1) * 86_400_000,
    }));
  const clusterEntry = (backupId: string, createdAt: string, state: 'success' | 'failure') =>
    entry(backupId, MAIN_SHA, state, createdAt, {
      payload: { backupType: 'CLUSTER', database: undefined, collections: undefined },
    });

  it('never deletes the backups of the newest successful entries', async () => {
    const { z, gh } = await start({ existingBackups: manual(6) }, () => ({
      deployments: [
        clusterEntry('b4', '2026-11-20T10:00:00Z', 'success'),
        clusterEntry('b5', '2026-11-21T10:00:00Z', 'success'),
        clusterEntry('b6', '2026-11-22T10:00:00Z', 'failure'),
        clusterEntry('b3', '2026-11-10T10:00:00Z', 'success'),
      ],
    }));
    const result = await run(PRUNE, z, gh, {
      'keep-last': '1',
      'protect-ledger': 'production',
      'protect-ledger-count': '2',
    });
    expectExit(result, 0);
    const left = z
      .backups()
      .filter((b) => b.status !== 'DELETED')
      .map((b) => b.backupId)
      .sort();
    expect(left).toEqual(['b1', 'b4', 'b5']);
    expect(result.summary).toContain('protected by deploy ledger entry');
  });

  it('deletes nothing and fails when the ledger cannot be read', async () => {
    const { z, gh } = await start(
      { existingBackups: manual(6) },
      { faults: [{ route: 'listDeployments', kind: 'status', status: 503, times: 10 }] },
    );
    const result = await run(PRUNE, z, gh, { 'keep-last': '1', 'protect-ledger': 'production' });
    expectExit(result, 1);
    expect(z.requests.filter((r) => r.route === 'deleteBackup')).toHaveLength(0);
    expect(result.stdout).toMatch(/::error::the deploy ledger cannot be read: .*HTTP 503/);
    expect(result.summary).toContain('Nothing was deleted');
  });
});

describe('a ledger that cannot be written never fails a deploy (ledger-failure: warn)', () => {
  const eventFile = (name: string, payload: unknown): string => {
    const path = join(dir, name);
    writeFileSync(path, JSON.stringify(payload));
    return path;
  };

  it.each([
    ['no token', { 'github-token': '' }, {}, /github-token is empty/],
    [
      'a pull request from a fork',
      {},
      {
        GITHUB_EVENT_NAME: 'pull_request',
        GITHUB_EVENT_PATH: eventFile('fork.json', {
          pull_request: { head: { repo: { full_name: 'someone/fork', fork: true } } },
        }),
      },
      /a pull request from a fork, whose token is read-only/,
    ],
    [
      'Dependabot',
      {},
      { GITHUB_ACTOR: 'dependabot[bot]' },
      /Dependabot's, whose token is read-only/,
    ],
  ] as const)('skips before any GitHub call: %s', async (_, inputs, env, why) => {
    const { z, gh } = await start();
    const result = await run(BACKUP, z, gh, { ...collectionBackup, ...inputs }, env);
    expectExit(result, 0);
    expect(gh.requests).toHaveLength(0);
    expect(result.outputs.ledgerStatus).toBe('SKIPPED');
    expect(result.stdout).toMatch(
      new RegExp(`::notice title=Deploy ledger::The deploy ledger is skipped: .*${why.source}`),
    );
  });

  it('stops writing after a 403, with one notice naming the permission and the lines to add', async () => {
    const { z, gh } = await start();
    const result = await run(BACKUP, z, gh, {
      ...collectionBackup,
      'github-token': READ_ONLY_TOKEN,
    });
    expectExit(result, 0);
    expect(result.outputs).toMatchObject({ status: 'SUCCESSFUL', ledgerStatus: 'FAILED' });
    expect(ghRequests(gh)).toHaveLength(1);
    const notices = result.stdout
      .split('\n')
      .filter((l) => l.startsWith('::notice title=Deploy ledger::'));
    expect(notices).toHaveLength(1);
    expect(notices[0]).toContain('GitHub says it needs deployments=write');
    expect(notices[0]).toContain('permissions:%0A  contents: read%0A  deployments: write');
  });

  it('retries a 5xx a few times, then warns and goes on', async () => {
    const { z, gh } = await start(
      {},
      { faults: [{ route: 'createDeployment', kind: 'status', status: 502, times: 10 }] },
    );
    const result = await run(BACKUP, z, gh, collectionBackup);
    expectExit(result, 0);
    expect(result.outputs).toMatchObject({ status: 'SUCCESSFUL', ledgerStatus: 'FAILED' });
    expect(ghRequests(gh, 'createDeployment')).toHaveLength(3);
    expect(result.stdout).toMatch(/::warning::The deploy ledger could not be written: .*HTTP 502/);
  });

  it('gives up on a hung GitHub API within its share of the timeout', async () => {
    const { z, gh } = await start({}, { faults: [{ route: '*', kind: 'hang', times: 100 }] });
    // 20 s: the ledger gets at most a quarter of what is left, the backup the rest.
    const result = await run(BACKUP, z, gh, { ...collectionBackup, timeout: '20s' });
    expectExit(result, 0);
    expect(result.outputs).toMatchObject({ status: 'SUCCESSFUL', ledgerStatus: 'FAILED' });
    // Within the step's 20 s timeout, counted from its start (its first output): the budget of
    // the checks or the ledger (a quarter of the time left) keeps it well inside.
    expect(result.sinceFirstOutputMs).toBeLessThan(20_000);
  });

  it('gives up at once on a primary rate limit, and rides out a short secondary one', async () => {
    const primary = await start(
      {},
      { faults: [{ route: 'createDeployment', kind: 'rateLimit', limit: 'primary' }] },
    );
    const limited = await run(BACKUP, primary.z, primary.gh, collectionBackup);
    expectExit(limited, 0);
    expect(limited.outputs.ledgerStatus).toBe('FAILED');
    expect(limited.stdout).toContain('longer than the ledger may wait');
    expect(ghRequests(primary.gh, 'createDeployment')).toHaveLength(1);
    await zilliz?.close();
    await github?.close();

    const secondary = await start(
      {},
      {
        faults: [
          { route: 'createDeployment', kind: 'rateLimit', limit: 'secondary', retryAfter: '1' },
        ],
      },
    );
    const waited = await run(BACKUP, secondary.z, secondary.gh, collectionBackup);
    expectExit(waited, 0);
    expect(waited.outputs.ledgerStatus).toBe('RECORDED');
    expect(ghRequests(secondary.gh, 'createDeployment')).toHaveLength(2);
  });

  it('fails the step at its end with ledger-failure: fail, the backup being done', async () => {
    const { z, gh } = await start();
    const result = await run(BACKUP, z, gh, {
      ...collectionBackup,
      'github-token': READ_ONLY_TOKEN,
      'ledger-failure': 'fail',
    });
    expectExit(result, 1);
    expect(result.outputs, result.stdout).toMatchObject({
      status: 'SUCCESSFUL',
      ledgerStatus: 'FAILED',
    });
    expect(result.stdout).toContain(
      '::error::the deploy ledger could not be written (ledger-failure: fail)',
    );
  });
});
