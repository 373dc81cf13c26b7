// The GitHub REST API simulator (deployments, deployment statuses, commits), over real HTTP.
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  DEFAULT_REPOSITORY_ID,
  DEFAULT_TOKEN,
  MAIN_SHA,
  OCTOCAT,
  READ_ONLY_TOKEN,
  RELEASE_SHA,
  fakeSha,
  startGitHubSimulator,
} from '../simulator/github/server.ts';
import type {
  GitHubSimulator,
  GitHubStartOptions,
  ScenarioInput,
} from '../simulator/github/server.ts';
import { bodyOf, readReply, type Reply } from './helpers/replies.ts';

let sim: GitHubSimulator | undefined;

afterEach(async () => {
  await sim?.close();
  sim = undefined;
});

async function start(
  scenario: ScenarioInput = {},
  options: Omit<GitHubStartOptions, 'scenario'> = {},
): Promise<GitHubSimulator> {
  sim = await startGitHubSimulator({ ...options, scenario });
  return sim;
}

interface CallInit {
  method?: string;
  body?: unknown;
  /** null: no Authorization header. */
  token?: string | null;
  scheme?: string;
  headers?: Record<string, string>;
  signal?: AbortSignal;
}

/** A request to the simulator; `path` is relative to its API URL unless it is absolute. */
async function call(path: string, init: CallInit = {}): Promise<Reply> {
  const s = sim!;
  const headers: Record<string, string> = {
    accept: 'application/vnd.github+json',
    'x-github-api-version': '2022-11-28',
    ...init.headers,
  };
  const token = init.token === undefined ? s.token : init.token;
  if (token !== null) headers.authorization = `${init.scheme ?? 'Bearer'} ${token}`;
  const res = await fetch(path.startsWith('http') ? path : s.url + path, {
    method: init.method ?? (init.body === undefined ? 'GET' : 'POST'),
    headers,
    body: bodyOf(init.body),
    signal: init.signal,
  });
  return readReply(res);
}

const REPO = '/repos/octo-org/octo-repo';
const ENV = 'zilliz-backup/production';
/** What the ledger sends: no auto-merge, no required contexts. */
const ours = (fields: Record<string, unknown> = {}) => ({
  ref: MAIN_SHA,
  task: 'zilliz-backup',
  environment: ENV,
  auto_merge: false,
  required_contexts: [],
  production_environment: false,
  ...fields,
});
const createDeployment = (body: unknown, init: CallInit = {}) =>
  call(`${REPO}/deployments`, { ...init, body });
const createStatus = (id: number, body: unknown, init: CallInit = {}) =>
  call(`${REPO}/deployments/${id}/statuses`, { ...init, body });

const ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/;
const DAY = 24 * 3600 * 1000;

/** The targets of a Link header by relation. */
function links(header: string | null): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of (header ?? '').split(',')) {
    const m = /<([^>]+)>;\s*rel="([a-z]+)"/.exec(part);
    if (m) out[m[2]!] = m[1]!;
  }
  return out;
}

/** Every item of a listing, following rel="next" as a client does. */
async function listAll(path: string): Promise<{ items: { id: number }[]; pages: number }> {
  const items: { id: number }[] = [];
  let next: string | undefined = path;
  let pages = 0;
  while (next) {
    const r = await call(next);
    expect(r.status).toBe(200);
    items.push(...(r.json as { id: number }[]));
    pages += 1;
    next = links(r.headers.get('link')).next;
  }
  return { items, pages };
}

describe('auth and permissions', () => {
  it('answers 401 "Bad credentials" for an unknown token and 404 without one (private repository)', async () => {
    const s = await start();
    const bad = await call(`${REPO}/deployments`, { token: 'ghs_nope' });
    expect(bad.status).toBe(401);
    expect(bad.json).toEqual({
      message: 'Bad credentials',
      documentation_url: 'https://docs.github.com/rest/deployments/deployments#list-deployments',
      status: '401',
    });
    const basic = await call(`${REPO}/deployments`, { scheme: 'Basic' });
    expect(basic.status).toBe(401);
    const none = await call(`${REPO}/deployments`, { token: null });
    expect(none.status).toBe(404);
    expect(none.json.message).toBe('Not Found');
    const none2 = await createDeployment(ours(), { token: null });
    expect(none2.status).toBe(404);
    expect(s.deployments()).toHaveLength(0);
    for (const scheme of ['Bearer', 'token', 'bearer']) {
      expect((await call(`${REPO}/deployments`, { scheme })).status).toBe(200);
    }
  });

  it('lets anyone read a public repository, but a write needs a token', async () => {
    await start({ visibility: 'public' });
    expect((await call(`${REPO}/deployments`, { token: null })).status).toBe(200);
    expect((await call(`${REPO}/commits/main`, { token: null })).status).toBe(200);
    const write = await createDeployment(ours(), { token: null });
    expect(write.status).toBe(401);
    expect(write.json.message).toBe('Requires authentication');
    // A token without the permission still reads public data.
    await sim!.configure({ tokens: { ghs_none: { deployments: 'none', contents: 'none' } } });
    expect((await call(`${REPO}/deployments`, { token: 'ghs_none' })).status).toBe(200);
  });

  it('refuses a read-only token (fork pull request, Dependabot) with 403 and X-Accepted-GitHub-Permissions', async () => {
    const s = await start({
      deployments: [{ environment: ENV, sha: MAIN_SHA, statuses: [{ state: 'success' }] }],
    });
    const [seeded] = s.deployments();
    const create = await createDeployment(ours(), { token: READ_ONLY_TOKEN });
    expect(create.status).toBe(403);
    expect(create.json).toEqual({
      message: 'Resource not accessible by integration',
      documentation_url: 'https://docs.github.com/rest/deployments/deployments#create-a-deployment',
      status: '403',
    });
    expect(create.headers.get('x-accepted-github-permissions')).toBe('deployments=write');
    const status = await createStatus(seeded!.id, { state: 'failure' }, { token: READ_ONLY_TOKEN });
    expect(status.status).toBe(403);
    expect(status.headers.get('x-accepted-github-permissions')).toBe('deployments=write');
    expect(s.deployments()).toHaveLength(1);
    expect(s.deployment(seeded!.id)!.statuses).toHaveLength(1);
    // Reading is allowed.
    const list = await call(`${REPO}/deployments`, { token: READ_ONLY_TOKEN });
    expect(list.status).toBe(200);
    expect(list.headers.get('x-accepted-github-permissions')).toBe('deployments=read');
  });

  it('names the missing read permission: deployments=read, contents=read', async () => {
    await start({
      tokens: {
        ghs_nodeploy: { deployments: 'none', contents: 'read' },
        ghs_nocontents: { deployments: 'write', contents: 'none' },
        github_pat_user: { actor: OCTOCAT, deployments: 'read', contents: 'none' },
      },
    });
    const list = await call(`${REPO}/deployments`, { token: 'ghs_nodeploy' });
    expect(list.status).toBe(403);
    expect(list.headers.get('x-accepted-github-permissions')).toBe('deployments=read');
    const commit = await call(`${REPO}/commits/main`, { token: 'ghs_nocontents' });
    expect(commit.status).toBe(403);
    expect(commit.headers.get('x-accepted-github-permissions')).toBe('contents=read');
    expect(commit.json.message).toBe('Resource not accessible by integration');
    const pat = await call(`${REPO}/commits/main`, { token: 'github_pat_user' });
    expect(pat.status).toBe(403);
    expect(pat.json.message).toBe('Resource not accessible by personal access token');
    expect((await call(`${REPO}/commits/main`, { token: 'ghs_nodeploy' })).status).toBe(200);
  });

  it('answers 404 for another repository and for unknown routes; names are case-insensitive', async () => {
    const s = await start();
    expect((await call('/repos/octo-org/other/deployments')).status).toBe(404);
    expect((await call('/repos/someone/octo-repo/deployments')).json.message).toBe('Not Found');
    expect((await call('/repositories/1/deployments')).status).toBe(404);
    expect((await call(`${REPO}/pulls`)).status).toBe(404);
    expect((await call(`${REPO}/deployments`, { method: 'DELETE' })).status).toBe(404);
    expect((await call('/repos/Octo-Org/OCTO-REPO/deployments')).status).toBe(200);
    expect((await call(`/repositories/${DEFAULT_REPOSITORY_ID}/deployments`)).status).toBe(200);
    expect(s.requests.at(-3)).toMatchObject({ route: 'unknown', status: 404 });
  });
});

describe('create a deployment', () => {
  it('answers 201 with the deployment object GitHub writes', async () => {
    const s = await start();
    const payload = { type: 'zilliz-backup-ledger', version: 1, backupId: 'backup1_abc' };
    const r = await createDeployment(ours({ payload, description: 'Backup before deploy' }));
    expect(r.status).toBe(201);
    const d = r.json;
    expect(d).toMatchObject({
      url: `${s.url}${REPO}/deployments/${d.id}`,
      sha: MAIN_SHA,
      ref: MAIN_SHA,
      task: 'zilliz-backup',
      payload,
      original_environment: ENV,
      environment: ENV,
      description: 'Backup before deploy',
      creator: { login: 'github-actions[bot]', id: 41898282, type: 'Bot' },
      statuses_url: `${s.url}${REPO}/deployments/${d.id}/statuses`,
      repository_url: `${s.url}${REPO}`,
      transient_environment: false,
      production_environment: false,
      performed_via_github_app: { slug: 'github-actions' },
    });
    expect(d.id).toBeGreaterThan(2 ** 31 - 10); // ids beyond 32 bits come soon
    expect(typeof d.node_id).toBe('string');
    expect(d.created_at).toMatch(ISO);
    expect(d.updated_at).toBe(d.created_at);
    expect(s.deployments()).toEqual([
      expect.objectContaining({ id: d.id, payload, state: null, statuses: [] }),
    ]);
  });

  it('applies the documented defaults: task deploy, environment production (a production one)', async () => {
    await start({ checks: { '*': {} } });
    const r = await createDeployment({ ref: 'main', auto_merge: false });
    expect(r.status).toBe(201);
    expect(r.json).toMatchObject({
      task: 'deploy',
      environment: 'production',
      production_environment: true,
      description: '',
      payload: {},
    });
    const staging = await createDeployment({ ref: 'main', environment: 'staging' });
    expect(staging.json.production_environment).toBe(false);
    const explicit = await createDeployment({ ref: 'main', production_environment: false });
    expect(explicit.json).toMatchObject({
      environment: 'production',
      production_environment: false,
    });
  });

  it('resolves a SHA, a short SHA, a branch, a tag and full ref names; ref stays as given', async () => {
    await start();
    const cases: [string, string][] = [
      [MAIN_SHA, MAIN_SHA],
      [MAIN_SHA.slice(0, 7), MAIN_SHA],
      ['main', MAIN_SHA],
      ['refs/heads/main', MAIN_SHA],
      ['heads/main', MAIN_SHA],
      ['v1.0.0', RELEASE_SHA],
      ['refs/tags/v1.0.0', RELEASE_SHA],
      ['tags/v1.0.0', RELEASE_SHA],
    ];
    for (const [ref, sha] of cases) {
      const r = await createDeployment(ours({ ref }));
      expect(r.status, ref).toBe(201);
      expect(r.json).toMatchObject({ ref, sha });
    }
  });

  it('refuses an unknown ref with 422 "No ref found for" and invalid fields as GitHub does', async () => {
    const s = await start();
    const unknown = await createDeployment(ours({ ref: 'no-such-branch' }));
    expect(unknown.status).toBe(422);
    expect(unknown.json).toEqual({
      message: 'No ref found for: no-such-branch',
      documentation_url: 'https://docs.github.com/rest/deployments/deployments#create-a-deployment',
      status: '422',
    });
    const cases: [unknown, number, string | RegExp][] = [
      [{ task: 'x' }, 422, `Invalid request.\n\n"ref" wasn't supplied.`],
      [ours({ ref: 7 }), 422, /'properties\/ref', 7 is not a string/],
      [ours({ auto_merge: 'false' }), 422, /'properties\/auto_merge', "false" is not a boolean/],
      [ours({ required_contexts: 'ci' }), 422, /required_contexts', "ci" is not an array/],
      [ours({ required_contexts: [1] }), 422, /1 is not a string/],
      [ours({ payload: [1, 2] }), 422, /'properties\/payload', \[1,2\] is not an object or string/],
      [ours({ environment: 'e'.repeat(256) }), 422, 'Validation Failed'],
      [ours({ environment: '' }), 422, 'Validation Failed'],
      ['{"ref": ', 400, 'Problems parsing JSON'],
      ['[1]', 400, 'Body should be a JSON object'],
    ];
    for (const [body, status, message] of cases) {
      const r = await createDeployment(body);
      expect(r.status, JSON.stringify(body)).toBe(status);
      expect(r.json.message, JSON.stringify(body)).toMatch(message);
    }
    expect((await createDeployment(ours({ environment: 'e'.repeat(255) }))).status).toBe(201);
    expect(s.deployments()).toHaveLength(1);
  });

  it('stores the payload as given; returns it as given or always as a JSON string', async () => {
    const s = await start();
    const asObject = await createDeployment(ours({ payload: { a: 1 } }));
    const asString = await createDeployment(ours({ payload: '{"b":2}' }));
    expect(asObject.json.payload).toEqual({ a: 1 });
    expect(asString.json.payload).toBe('{"b":2}');
    s.configure({ payloadAs: 'string' });
    const got = await call(`${REPO}/deployments/${asObject.json.id}`);
    expect(got.json.payload).toBe('{"a":1}');
    expect((await call(`${REPO}/deployments/${asString.json.id}`)).json.payload).toBe('{"b":2}');
    expect(s.deployments().map((d) => d.payload)).toEqual([{ a: 1 }, '{"b":2}']);
  });
});

describe('required contexts (409)', () => {
  it('refuses when required_contexts is left out while a check is not green', async () => {
    const s = await start(); // by default the running job's own check is pending
    const r = await createDeployment(ours({ required_contexts: undefined }));
    expect(r.status).toBe(409);
    expect(r.json).toEqual({
      message: `Conflict: Commit status checks failed for ${MAIN_SHA}.`,
      errors: [
        {
          resource: 'Deployment',
          field: 'required_contexts',
          code: 'invalid',
          contexts: [{ context: 'build', state: 'pending' }],
        },
      ],
      documentation_url: 'https://docs.github.com/rest/deployments/deployments#create-a-deployment',
      status: '409',
    });
    expect(s.deployments()).toHaveLength(0);
    expect((await createDeployment(ours())).status).toBe(201); // [] bypasses the checks
  });

  it('checks only the listed contexts; a listed context that never reported fails', async () => {
    await start({
      checks: { '*': {}, [MAIN_SHA]: { lint: 'success', test: 'failure' } },
    });
    expect((await createDeployment(ours({ required_contexts: ['lint'] }))).status).toBe(201);
    expect((await createDeployment(ours({ required_contexts: ['test'] }))).status).toBe(409);
    expect((await createDeployment(ours({ required_contexts: ['deploy'] }))).status).toBe(409);
    expect((await createDeployment(ours({ required_contexts: undefined }))).status).toBe(409);
    // Another commit without statuses deploys with the default.
    const tag = await createDeployment(ours({ ref: 'v1.0.0', required_contexts: undefined }));
    expect(tag.status).toBe(201);
  });
});

describe('auto-merge (202)', () => {
  it('merges the default branch instead of deploying when auto_merge is left on', async () => {
    const s = await start({
      branches: { feature: fakeSha('feature') },
      behindDefault: ['feature'],
    });
    const r = await createDeployment(ours({ ref: 'feature', auto_merge: undefined }));
    expect(r.status).toBe(202);
    expect(r.json).toEqual({ message: 'Auto-merged main into feature on deployment.' });
    expect(s.deployments()).toHaveLength(0);
    expect(s.refs().branches.feature).not.toBe(fakeSha('feature'));
    // Merged: the same request now deploys the merge commit.
    const again = await createDeployment(ours({ ref: 'feature', auto_merge: undefined }));
    expect(again.status).toBe(201);
    expect(again.json.sha).toBe(s.refs().branches.feature);
  });

  it('deploys at once with auto_merge false; a conflicting merge is 409', async () => {
    await start({
      branches: { feature: fakeSha('feature'), stuck: fakeSha('stuck') },
      behindDefault: ['feature'],
      mergeConflicts: ['stuck'],
    });
    const r = await createDeployment(ours({ ref: 'feature' }));
    expect(r.status).toBe(201);
    expect(r.json.sha).toBe(fakeSha('feature'));
    const conflict = await createDeployment(ours({ ref: 'stuck', auto_merge: true }));
    expect(conflict.status).toBe(409);
    expect(conflict.json.message).toBe('Conflict merging main into stuck.');
    expect((await createDeployment(ours({ ref: 'stuck' }))).status).toBe(201);
  });
});

describe('deployment statuses', () => {
  it('records in_progress then success and answers the status object', async () => {
    const s = await start();
    const d = (await createDeployment(ours())).json;
    const logUrl = 'https://github.com/octo-org/octo-repo/actions/runs/1';
    const first = await createStatus(d.id, {
      state: 'in_progress',
      description: 'Backup running',
      log_url: logUrl,
      auto_inactive: false,
    });
    expect(first.status).toBe(201);
    expect(first.json).toMatchObject({
      url: `${s.url}${REPO}/deployments/${d.id}/statuses/${first.json.id}`,
      state: 'in_progress',
      description: 'Backup running',
      environment: ENV,
      log_url: logUrl,
      target_url: logUrl,
      environment_url: '',
      deployment_url: `${s.url}${REPO}/deployments/${d.id}`,
      repository_url: `${s.url}${REPO}`,
      creator: { login: 'github-actions[bot]' },
    });
    expect(first.json.created_at).toMatch(ISO);
    await createStatus(d.id, { state: 'success', auto_inactive: false });
    expect(s.deployment(d.id)).toMatchObject({
      state: 'success',
      statuses: [{ state: 'in_progress' }, { state: 'success' }],
    });
    const all = await call(`${REPO}/deployments/${d.id}/statuses`);
    expect(all.json.map((x: { state: string }) => x.state)).toEqual(['success', 'in_progress']);
    const one = await call(`${REPO}/deployments/${d.id}/statuses/${first.json.id}`);
    expect(one.json.state).toBe('in_progress');
    expect((await call(`${REPO}/deployments/${d.id}/statuses/1`)).status).toBe(404);
  });

  it('refuses a description over 140 characters (counted as characters) with 422', async () => {
    const s = await start();
    const d = (await createDeployment(ours())).json;
    expect(
      (await createStatus(d.id, { state: 'pending', description: 'x'.repeat(140) })).status,
    ).toBe(201);
    // 140 emoji are 280 UTF-16 units but 140 characters.
    const emoji = await createStatus(d.id, { state: 'pending', description: '🚀'.repeat(140) });
    expect(emoji.status).toBe(201);
    const long = await createStatus(d.id, { state: 'failure', description: 'x'.repeat(141) });
    expect(long.status).toBe(422);
    expect(long.json).toEqual({
      message: 'Validation Failed',
      errors: [
        {
          resource: 'DeploymentStatus',
          code: 'custom',
          field: 'description',
          message: 'description is too long (maximum is 140 characters)',
        },
      ],
      documentation_url:
        'https://docs.github.com/rest/deployments/statuses#create-a-deployment-status',
      status: '422',
    });
    expect(s.deployment(d.id)!.statuses).toHaveLength(2);
  });

  it('refuses an unknown state, a non-http URL, and answers 404 for an unknown deployment', async () => {
    await start();
    const d = (await createDeployment(ours())).json;
    const cases: [unknown, string, string][] = [
      [{ state: 'done' }, 'state', 'state is not included in the list'],
      [{}, 'state', 'state is not included in the list'],
      [
        { state: 'success', log_url: 'ftp://x' },
        'target_url',
        'target_url must use http(s) scheme',
      ],
      [{ state: 'success', target_url: 'x' }, 'target_url', 'target_url must use http(s) scheme'],
      [
        { state: 'success', environment_url: 'javascript:alert(1)' },
        'environment_url',
        'environment_url must use http(s) scheme',
      ],
    ];
    for (const [body, field, message] of cases) {
      const r = await createStatus(d.id, body);
      expect(r.status, JSON.stringify(body)).toBe(422);
      expect(r.json.errors[0], JSON.stringify(body)).toMatchObject({ field, message });
    }
    expect((await createStatus(12345, { state: 'success' })).status).toBe(404);
    expect((await createStatus(Number.NaN, { state: 'success' })).status).toBe(404);
    expect((await call(`${REPO}/deployments/12345`)).status).toBe(404);
    expect((await call(`${REPO}/deployments/12345/statuses`)).status).toBe(404);
    // target_url is the older name of log_url.
    const old = await createStatus(d.id, { state: 'success', target_url: 'https://ci/1' });
    expect(old.json).toMatchObject({ log_url: 'https://ci/1', target_url: 'https://ci/1' });
  });

  it('moves the deployment to the environment a status names, keeping original_environment', async () => {
    const s = await start();
    const d = (await createDeployment(ours())).json;
    await createStatus(d.id, { state: 'success', environment: 'zilliz-backup/staging' });
    const got = await call(`${REPO}/deployments/${d.id}`);
    expect(got.json).toMatchObject({
      environment: 'zilliz-backup/staging',
      original_environment: ENV,
    });
    expect(s.deployment(d.id)!.environment).toBe('zilliz-backup/staging');
  });
});

describe('auto_inactive', () => {
  it('by default marks earlier successful deployments of the environment inactive', async () => {
    const s = await start({
      deployments: [
        { environment: ENV, sha: MAIN_SHA, statuses: [{ state: 'success' }] },
        { environment: ENV.toUpperCase(), sha: MAIN_SHA, statuses: [{ state: 'success' }] },
        { environment: ENV, sha: MAIN_SHA, statuses: [{ state: 'failure' }] },
        { environment: 'zilliz-backup/staging', sha: MAIN_SHA, statuses: [{ state: 'success' }] },
      ],
    });
    const [a, b, failed, staging] = s.deployments();
    const d = (await createDeployment(ours())).json;
    await createStatus(d.id, { state: 'success' });
    expect(s.deployment(a!.id)).toMatchObject({
      state: 'inactive',
      statuses: [{ state: 'success' }, { state: 'inactive', autoInactive: true }],
    });
    expect(s.deployment(b!.id)!.state).toBe('inactive'); // environment names ignore case
    expect(s.deployment(failed!.id)!.state).toBe('failure');
    expect(s.deployment(staging!.id)!.state).toBe('success');
    expect(s.deployment(d.id)!.state).toBe('success');
    const listed = await call(`${REPO}/deployments/${a!.id}/statuses`);
    expect(listed.json[0]).toMatchObject({ state: 'inactive' });
  });

  it('leaves them alone with auto_inactive false (only the JSON false: "false" is truthy)', async () => {
    const s = await start({
      deployments: [{ environment: ENV, sha: MAIN_SHA, statuses: [{ state: 'success' }] }],
    });
    const [old] = s.deployments();
    const d = (await createDeployment(ours())).json;
    await createStatus(d.id, { state: 'success', auto_inactive: false });
    expect(s.deployment(old!.id)!.state).toBe('success');
    await createStatus(d.id, { state: 'in_progress', auto_inactive: 'false' });
    expect(s.deployment(old!.id)!.state).toBe('success'); // only a success status inactivates
    await createStatus(d.id, { state: 'success', auto_inactive: 'false' });
    expect(s.deployment(old!.id)!.state).toBe('inactive');
  });
});

describe('list deployments', () => {
  const seeds = (count: number, fields: Record<string, unknown> = {}) =>
    Array.from({ length: count }, (_, i) => ({
      environment: ENV,
      task: 'zilliz-backup',
      sha: MAIN_SHA,
      created_at: Date.now() - (count - i) * DAY,
      ...fields,
    }));

  it('filters by sha, ref, task and environment (case-insensitive), newest first', async () => {
    const other = fakeSha('other');
    const s = await start({
      deployments: [
        ...seeds(2),
        { environment: 'production', sha: MAIN_SHA },
        { environment: ENV, task: 'deploy', sha: other, ref: 'release' },
      ],
    });
    const ids = s.deployments().map((d) => d.id);
    const list = async (query: string) =>
      (await call(`${REPO}/deployments${query}`)).json.map((d: { id: number }) => d.id);
    expect(await list('')).toEqual([...ids].reverse());
    expect(await list(`?environment=${encodeURIComponent(ENV)}`)).toEqual([ids[3], ids[1], ids[0]]);
    expect(await list(`?environment=${encodeURIComponent(ENV.toUpperCase())}`)).toHaveLength(3);
    expect(await list('?task=zilliz-backup')).toEqual([ids[1], ids[0]]);
    expect(await list(`?sha=${other}`)).toEqual([ids[3]]);
    expect(await list('?ref=release')).toEqual([ids[3]]);
    expect(await list(`?ref=${MAIN_SHA}&task=zilliz-backup&environment=`)).toEqual([
      ids[1],
      ids[0],
    ]);
    expect(await list('?environment=nowhere')).toEqual([]);
  });

  it('pages with per_page (at most 100) and writes Link as GitHub does', async () => {
    const s = await start({ deployments: seeds(250) });
    const first = await call(
      `${REPO}/deployments?per_page=100&environment=${encodeURIComponent(ENV)}`,
    );
    expect(first.json).toHaveLength(100);
    const base = `${s.url}/repositories/${DEFAULT_REPOSITORY_ID}/deployments`;
    const env = `environment=${encodeURIComponent(ENV)}`;
    expect(first.headers.get('link')).toBe(
      `<${base}?per_page=100&${env}&page=2>; rel="next", <${base}?per_page=100&${env}&page=3>; rel="last"`,
    );
    const second = await call(links(first.headers.get('link')).next!);
    const page = (n: number) => `<${base}?per_page=100&${env}&page=${n}>`;
    expect(second.headers.get('link')).toBe(
      `${page(1)}; rel="prev", ${page(3)}; rel="next", ${page(3)}; rel="last", ${page(1)}; rel="first"`,
    );
    const last = await call(links(first.headers.get('link')).last!);
    expect(last.json).toHaveLength(50);
    expect(links(last.headers.get('link'))).not.toHaveProperty('next');
    expect((await call(`${REPO}/deployments`)).json).toHaveLength(30); // the default page size
    expect((await call(`${REPO}/deployments?per_page=500`)).json).toHaveLength(100);
    expect((await call(`${REPO}/deployments?per_page=100&page=4`)).json).toEqual([]);
    const all = await listAll(`${REPO}/deployments?per_page=100`);
    expect(all.pages).toBe(3);
    expect(all.items.map((d) => d.id)).toEqual(
      s
        .deployments()
        .map((d) => d.id)
        .reverse(),
    );
  });

  it('without more than one page there is no Link header; linkStyle repos keeps owner/repo URLs', async () => {
    const s = await start({ deployments: seeds(3), linkStyle: 'repos' });
    expect((await call(`${REPO}/deployments`)).headers.get('link')).toBeNull();
    const r = await call(`${REPO}/deployments?per_page=2`);
    expect(links(r.headers.get('link')).next).toBe(`${s.url}${REPO}/deployments?per_page=2&page=2`);
  });

  it('lists oldest first or shuffled on request, the same order on every page', async () => {
    const s = await start({ deployments: seeds(45), deploymentOrder: 'oldest' });
    const ids = s.deployments().map((d) => d.id);
    expect((await listAll(`${REPO}/deployments?per_page=10`)).items.map((d) => d.id)).toEqual(ids);
    s.configure({ deploymentOrder: 'shuffled', shuffleSeed: 7 });
    const shuffled = (await listAll(`${REPO}/deployments?per_page=10`)).items.map((d) => d.id);
    expect([...shuffled].sort((a, b) => a - b)).toEqual(ids);
    expect(shuffled).not.toEqual(ids);
    expect(shuffled).not.toEqual([...ids].reverse());
    const again = (await listAll(`${REPO}/deployments?per_page=7`)).items.map((d) => d.id);
    expect(again).toEqual(shuffled);
  });
});

describe('seeded ledgers', () => {
  it('builds deployments with creators, payloads, ages and status histories', async () => {
    const now = Date.now();
    const s = await start({
      deployments: [
        {
          environment: ENV,
          task: 'zilliz-backup',
          sha: fakeSha('a'),
          payload: { type: 'zilliz-backup-ledger', version: 1, clusterId: 'in01-x' },
          created_at: new Date(now - 2 * DAY).toISOString(),
          statuses: [
            { state: 'in_progress', created_at: now - 2 * DAY + 1000 },
            { state: 'success', created_at: now - 2 * DAY + 60_000, description: 'done' },
          ],
        },
        {
          environment: ENV,
          task: 'zilliz-backup',
          sha: fakeSha('b'),
          payload: 'not json',
          creator: OCTOCAT,
          created_at: now - 5 * DAY,
        },
      ],
    });
    const [older, newer] = s.deployments();
    // Ids follow created_at, whatever the order of the seeds.
    expect(older).toMatchObject({ sha: fakeSha('b'), creator: OCTOCAT, payload: 'not json' });
    expect(newer).toMatchObject({ sha: fakeSha('a'), state: 'success' });
    expect(newer!.id).toBeGreaterThan(older!.id);
    const got = await call(`${REPO}/deployments/${newer!.id}`);
    expect(got.json.created_at).toBe(new Date(now - 2 * DAY).toISOString().replace(/\.\d+Z$/, 'Z'));
    expect(got.json.updated_at).toBe(
      new Date(now - 2 * DAY + 60_000).toISOString().replace(/\.\d+Z$/, 'Z'),
    );
    expect(got.json.performed_via_github_app).toMatchObject({ slug: 'github-actions' });
    const foreign = await call(`${REPO}/deployments/${older!.id}`);
    expect(foreign.json.creator).toMatchObject({ login: 'octocat', type: 'User' });
    expect(foreign.json.performed_via_github_app).toBeNull();
    // Seed SHAs are known commits.
    expect((await call(`${REPO}/commits/${fakeSha('a')}`)).status).toBe(200);
  });

  it('deletes statuses older than the retention, except the newest (documented: 90 days)', async () => {
    const now = Date.now();
    const s = await start({
      deployments: [
        {
          environment: ENV,
          sha: MAIN_SHA,
          created_at: now - 200 * DAY,
          statuses: [
            { state: 'in_progress', created_at: now - 200 * DAY },
            { state: 'success', created_at: now - 199 * DAY },
            { state: 'inactive', created_at: now - 100 * DAY },
          ],
        },
        {
          environment: ENV,
          sha: MAIN_SHA,
          created_at: now - 10 * DAY,
          statuses: [{ state: 'in_progress' }, { state: 'success', created_at: now - 9 * DAY }],
        },
      ],
    });
    const [old, recent] = s.deployments();
    expect(old!.statuses.map((x) => x.state)).toEqual(['inactive']);
    expect(recent!.statuses.map((x) => x.state)).toEqual(['in_progress', 'success']);
    const listed = await call(`${REPO}/deployments/${old!.id}/statuses`);
    expect(listed.json.map((x: { state: string }) => x.state)).toEqual(['inactive']);
  });

  it('refuses nonsense scenarios with a message naming the field', async () => {
    const s = await start();
    expect(() => s.configure({ deployments: [{ environment: ENV }] })).toThrow(
      /needs a sha or a ref/,
    );
    expect(() => s.configure({ branches: { x: 'abc' } })).toThrow(/scenario.branches.x/);
    expect(() =>
      s.configure({ deployments: [{ sha: MAIN_SHA, statuses: [{ state: 'done' as 'success' }] }] }),
    ).toThrow(/statuses\[0\].state/);
    expect(() => s.configure({ deployments: [{ ref: 'nowhere' }] })).toThrow(/resolves to nothing/);
    expect(() =>
      s.configure({
        deployments: [
          { id: 5, sha: MAIN_SHA },
          { id: 5, sha: MAIN_SHA },
        ],
      }),
    ).toThrow(/already taken/);
  });
});

describe('list deployment statuses', () => {
  it('lists newest first, paged with Link; oldest first on request', async () => {
    const s = await start();
    const d = (await createDeployment(ours())).json;
    for (let i = 0; i < 5; i++) {
      await createStatus(d.id, {
        state: 'in_progress',
        description: `step ${i}`,
        auto_inactive: false,
      });
    }
    const page = await call(`${REPO}/deployments/${d.id}/statuses?per_page=2`);
    expect(page.json.map((x: { description: string }) => x.description)).toEqual([
      'step 4',
      'step 3',
    ]);
    expect(links(page.headers.get('link')).last).toBe(
      `${s.url}/repositories/${DEFAULT_REPOSITORY_ID}/deployments/${d.id}/statuses?per_page=2&page=3`,
    );
    const all = await listAll(`${REPO}/deployments/${d.id}/statuses?per_page=2`);
    expect(all.items).toHaveLength(5);
    s.configure({ statusOrder: 'oldest' });
    const oldest = await call(`${REPO}/deployments/${d.id}/statuses`);
    expect(oldest.json[0].description).toBe('step 0');
  });
});

describe('get a commit', () => {
  it('resolves a SHA, a short SHA, a branch and a tag; the sha media type answers the bare SHA', async () => {
    const s = await start({ tags: { main: RELEASE_SHA } });
    const full = await call(`${REPO}/commits/${MAIN_SHA}`);
    expect(full.status).toBe(200);
    expect(full.json).toMatchObject({
      sha: MAIN_SHA,
      url: `${s.url}${REPO}/commits/${MAIN_SHA}`,
      html_url: `${s.origin}/octo-org/octo-repo/commit/${MAIN_SHA}`,
      commit: { message: expect.any(String) },
    });
    expect(full.headers.get('x-accepted-github-permissions')).toBe('contents=read');
    expect((await call(`${REPO}/commits/${MAIN_SHA.slice(0, 7)}`)).json.sha).toBe(MAIN_SHA);
    expect((await call(`${REPO}/commits/v1.0.0`)).json.sha).toBe(RELEASE_SHA);
    expect((await call(`${REPO}/commits/heads%2Fmain`)).json.sha).toBe(MAIN_SHA);
    expect((await call(`${REPO}/commits/refs/heads/main`)).json.sha).toBe(MAIN_SHA);
    // A name that is both a tag and a branch is the tag (git's order).
    expect((await call(`${REPO}/commits/main`)).json.sha).toBe(RELEASE_SHA);
    const bare = await call(`${REPO}/commits/v1.0.0`, {
      headers: { accept: 'application/vnd.github.sha' },
    });
    expect(bare.text).toBe(RELEASE_SHA);
    expect(bare.headers.get('content-type')).toMatch(/^text\/plain/);
  });

  it('answers 422 "No commit found for SHA" for nothing (404 on request)', async () => {
    const s = await start();
    const r = await call(`${REPO}/commits/no-such-tag`);
    expect(r.status).toBe(422);
    expect(r.json).toEqual({
      message: 'No commit found for SHA: no-such-tag',
      documentation_url: 'https://docs.github.com/rest/commits/commits#get-a-commit',
      status: '422',
    });
    expect((await call(`${REPO}/commits/${'0'.repeat(40)}`)).status).toBe(422);
    s.configure({ commitNotFoundStatus: 404 });
    const nf = await call(`${REPO}/commits/no-such-tag`);
    expect(nf.status).toBe(404);
    expect(nf.json.message).toBe('Not Found');
  });
});

describe('GitHub Enterprise Server path prefix', () => {
  it('serves the API under /api/v3 only, with every URL under it', async () => {
    const s = await start(
      {
        deployments: [
          { environment: ENV, sha: MAIN_SHA },
          { environment: ENV, sha: MAIN_SHA },
        ],
      },
      { pathPrefix: 'api/v3/' },
    );
    expect(s.url).toBe(`${s.origin}/api/v3`);
    const d = await createDeployment(ours());
    expect(d.status).toBe(201);
    expect(d.json.url).toBe(`${s.origin}/api/v3${REPO}/deployments/${d.json.id}`);
    const page = await call(`${REPO}/deployments?per_page=1`);
    expect(links(page.headers.get('link')).next).toBe(
      `${s.origin}/api/v3/repositories/${DEFAULT_REPOSITORY_ID}/deployments?per_page=1&page=2`,
    );
    expect((await listAll(`${REPO}/deployments?per_page=1`)).items).toHaveLength(3);
    const root = await call(`${s.origin}${REPO}/deployments`);
    expect(root.status).toBe(404);
    expect(s.requests.at(-1)).toMatchObject({ path: `${REPO}/deployments`, route: 'unknown' });
  });
});

describe('rate limit', () => {
  it('sends x-ratelimit headers and refuses with 403 once the budget is spent', async () => {
    const s = await start({ rateLimit: { limit: 1000, remaining: 2 } });
    const a = await call(`${REPO}/deployments`);
    expect(a.headers.get('x-ratelimit-limit')).toBe('1000');
    expect(a.headers.get('x-ratelimit-remaining')).toBe('1');
    expect(a.headers.get('x-ratelimit-resource')).toBe('core');
    const reset = Number(a.headers.get('x-ratelimit-reset'));
    // The window is an hour from the first request.
    expect(reset).toBeGreaterThan(Date.now() / 1000 + 3500);
    expect((await call(`${REPO}/deployments`)).headers.get('x-ratelimit-remaining')).toBe('0');
    const refused = await createDeployment(ours());
    expect(refused.status).toBe(403);
    expect(refused.headers.get('x-ratelimit-remaining')).toBe('0');
    expect(refused.json.message).toMatch(/^API rate limit exceeded for installation ID \d+\./);
    expect(refused.json.documentation_url).toMatch(/rate-limits/);
    expect(s.deployments()).toHaveLength(0);
    // Another token has its own budget; a bad token is refused before counting.
    expect((await call(`${REPO}/deployments`, { token: READ_ONLY_TOKEN })).status).toBe(200);
    expect((await call(`${REPO}/deployments`, { token: 'ghs_bad' })).status).toBe(401);
  });

  it('refuses with 429 on request; false turns the limit off', async () => {
    const s = await start({ rateLimit: { remaining: 0, status: 429 } });
    const r = await call(`${REPO}/deployments`);
    expect(r.status).toBe(429);
    expect(r.json.status).toBe('429');
    s.configure({ rateLimit: false });
    const free = await call(`${REPO}/deployments`);
    expect(free.status).toBe(200);
    expect(free.headers.get('x-ratelimit-remaining')).toBeNull();
  });
});

describe('faults', () => {
  it('answers a status fault with its headers and does not process the request', async () => {
    const s = await start({
      faults: [
        { route: 'createDeployment', kind: 'status', status: 502, headers: { 'retry-after': '3' } },
      ],
    });
    const r = await createDeployment(ours());
    expect(r.status).toBe(502);
    expect(r.headers.get('retry-after')).toBe('3');
    expect(r.json).toMatchObject({ message: 'Server Error', status: '502' });
    expect(s.deployments()).toHaveLength(0);
    expect(s.requests[0]).toMatchObject({
      route: 'createDeployment',
      status: 502,
      fault: 'status',
    });
    expect((await createDeployment(ours())).status).toBe(201);
  });

  it('processes the request first when the status fault says so (outcome unknown to the client)', async () => {
    const s = await start({
      faults: [{ route: 'createDeployment', kind: 'status', status: 500, process: true }],
    });
    expect((await createDeployment(ours())).status).toBe(500);
    expect(s.deployments()).toHaveLength(1);
  });

  it('writes primary and secondary rate-limit refusals as GitHub does', async () => {
    await start({
      faults: [
        { route: 'listDeployments', kind: 'rateLimit', limit: 'primary', resetInSeconds: 30 },
        { route: 'listDeployments', kind: 'rateLimit', limit: 'primary', status: 429 },
        { route: 'listDeployments', kind: 'rateLimit', limit: 'secondary' },
        {
          route: 'listDeployments',
          kind: 'rateLimit',
          limit: 'secondary',
          status: 429,
          retryAfter: null,
        },
      ],
    });
    const primary = await call(`${REPO}/deployments`);
    expect(primary.status).toBe(403);
    expect(primary.headers.get('x-ratelimit-remaining')).toBe('0');
    const reset = Number(primary.headers.get('x-ratelimit-reset'));
    expect(reset).toBeGreaterThanOrEqual(Math.floor(Date.now() / 1000) + 25);
    expect(reset).toBeLessThanOrEqual(Math.ceil(Date.now() / 1000) + 30);
    expect(primary.json.message).toMatch(/^API rate limit exceeded/);
    expect((await call(`${REPO}/deployments`)).status).toBe(429);
    const secondary = await call(`${REPO}/deployments`);
    expect(secondary.status).toBe(403);
    expect(secondary.headers.get('retry-after')).toBe('60');
    expect(secondary.json.message).toMatch(/secondary rate limit/);
    const bare = await call(`${REPO}/deployments`);
    expect(bare.status).toBe(429);
    expect(bare.headers.get('retry-after')).toBeNull();
    expect(bare.headers.get('x-ratelimit-remaining')).toBeNull();
    expect((await call(`${REPO}/deployments`)).status).toBe(200);
  });

  it('resets the connection, hangs until the client gives up, or drops the reply after acting', async () => {
    const s = await start({
      faults: [
        { route: 'listDeployments', kind: 'reset' },
        { route: 'listDeployments', kind: 'hang' },
        { route: 'createDeployment', kind: 'commitThenDrop' },
      ],
    });
    await expect(call(`${REPO}/deployments`)).rejects.toThrow();
    // The client's own timeout ends the hang; 300 ms is all this test waits.
    await expect(call(`${REPO}/deployments`, { signal: AbortSignal.timeout(300) })).rejects.toThrow(
      /aborted|timeout/i,
    );
    await expect(createDeployment(ours())).rejects.toThrow();
    expect(s.deployments()).toHaveLength(1);
    expect(s.requests.map((r) => [r.route, r.fault, r.status])).toEqual([
      ['listDeployments', 'reset', undefined],
      ['listDeployments', 'hang', undefined],
      ['createDeployment', 'commitThenDrop', undefined],
    ]);
  });

  it('delays a reply; "*" hits every route; times repeats a fault', async () => {
    const s = await start({
      faults: [
        { route: '*', kind: 'status', status: 503, times: 2 },
        { route: 'getCommit', kind: 'delay', delayMs: 200 },
      ],
    });
    expect((await call(`${REPO}/commits/main`)).status).toBe(503);
    expect((await createDeployment(ours())).status).toBe(503);
    const startedAt = Date.now();
    const r = await call(`${REPO}/commits/main`);
    // The simulator waits 200 ms before answering; the lower bound is all that is certain.
    expect(Date.now() - startedAt).toBeGreaterThanOrEqual(190);
    expect(r.status).toBe(200);
    expect(s.requests.map((x) => x.fault)).toEqual(['status', 'status', 'delay']);
  });

  it('closes promptly with a hung request and a pending delay', async () => {
    const s = await start({
      faults: [
        { route: 'listDeployments', kind: 'hang' },
        { route: 'getCommit', kind: 'delay', delayMs: 60_000 },
      ],
    });
    const hung = call(`${REPO}/deployments`).catch((err: unknown) => err);
    const delayed = call(`${REPO}/commits/main`).catch((err: unknown) => err);
    while (s.requests.length < 2) await new Promise((r) => setTimeout(r, 10));
    await s.close();
    expect(await hung).toBeInstanceOf(Error);
    expect(await delayed).toBeInstanceOf(Error);
  });
});

describe('request log and admin routes', () => {
  it('records method, path, query, headers, body and status of each request', async () => {
    const s = await start();
    await createDeployment(ours({ payload: { x: 1 } }));
    await call(`${REPO}/deployments?environment=a&per_page=5`);
    const [create, list] = s.requests;
    expect(create).toMatchObject({
      method: 'POST',
      path: `${REPO}/deployments`,
      route: 'createDeployment',
      body: { payload: { x: 1 }, auto_merge: false },
      status: 201,
    });
    expect(create!.headers.authorization).toBe(`Bearer ${DEFAULT_TOKEN}`);
    expect(list).toMatchObject({
      method: 'GET',
      query: { environment: 'a', per_page: '5' },
      route: 'listDeployments',
      status: 200,
    });
    expect(list!.receivedAt).toBeGreaterThanOrEqual(create!.receivedAt);
  });

  it('shows the state and merges a scenario over the admin routes', async () => {
    const s = await start();
    const posted = await fetch(`${s.origin}/__sim/scenario`, {
      method: 'POST',
      body: JSON.stringify({ deployments: [{ environment: ENV, sha: MAIN_SHA }] }),
    });
    expect(posted.status).toBe(200);
    const bad = await fetch(`${s.origin}/__sim/scenario`, { method: 'POST', body: '{"faults":3}' });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: string }).error).toMatch(/faults must be an array/);
    const state = (await (await fetch(`${s.origin}/__sim/state`)).json()) as {
      deployments: unknown[];
      refs: { branches: Record<string, string> };
    };
    expect(state.deployments).toHaveLength(1);
    expect(state.refs.branches.main).toBe(MAIN_SHA);
    expect(s.requests).toHaveLength(0); // admin requests are not recorded
  });
});

describe('command line', () => {
  it('starts on an ephemeral port under a path prefix, writes the ready file and stops on SIGTERM', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'github-sim-'));
    const readyFile = join(dir, 'url');
    const child = spawn(
      process.execPath,
      [
        'simulator/github/cli.ts',
        '--port',
        '0',
        '--path-prefix',
        '/api/v3',
        '--ready-file',
        readyFile,
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
    try {
      let url = '';
      const deadline = Date.now() + 20_000;
      while (!url.endsWith('\n')) {
        if (Date.now() > deadline) throw new Error(`no ready file; stderr: ${stderr}`);
        url = await readFile(readyFile, 'utf8').catch(() => '');
        if (!url) await new Promise((r) => setTimeout(r, 25));
      }
      url = url.trim();
      expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/api\/v3$/);
      expect(stdout).toContain(`github-simulator listening on ${url}`);
      const r = await fetch(`${url}${REPO}/commits/main`, {
        headers: { authorization: `token ${DEFAULT_TOKEN}` },
      });
      expect(((await r.json()) as { sha: string }).sha).toBe(MAIN_SHA);
      child.kill('SIGTERM');
      expect(await exited, stderr).toBe(0);
    } finally {
      child.kill('SIGKILL');
      await rm(dir, { recursive: true, force: true });
    }
  });
});
