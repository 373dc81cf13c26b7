// The JSON GitHub answers with: users, deployments, deployment statuses, commits.
import { ACTIONS_APP, isoSeconds, nodeId } from './quirks.ts';
import type { Actor, Scenario } from './scenario.ts';
import type { StoredDeployment, StoredStatus } from './state.ts';

/** Where the API and the web pages of the simulated GitHub live. */
export interface Urls {
  /** API base (GITHUB_API_URL), e.g. http://127.0.0.1:1234/api/v3. */
  api: string;
  /** Web base, e.g. http://127.0.0.1:1234. */
  web: string;
}

export function repoUrl(urls: Urls, s: Scenario): string {
  return `${urls.api}/repos/${s.owner}/${s.repo}`;
}

/** Base of Link header URLs (see quirks.ts and Scenario.linkStyle). */
export function linkBase(urls: Urls, s: Scenario): string {
  return s.linkStyle === 'repositories'
    ? `${urls.api}/repositories/${s.repositoryId}`
    : repoUrl(urls, s);
}

export function userJson(actor: Actor, urls: Urls): Record<string, unknown> {
  const login = encodeURIComponent(actor.login);
  const user = `${urls.api}/users/${login}`;
  return {
    login: actor.login,
    id: actor.id,
    node_id: nodeId(actor.type === 'Bot' ? 'BOT' : 'U', actor.id),
    avatar_url: `https://avatars.githubusercontent.com/u/${actor.id}?v=4`,
    gravatar_id: '',
    url: user,
    html_url: `${urls.web}/${actor.type === 'Bot' ? `apps/${login.replace(/%5Bbot%5D$/, '')}` : login}`,
    followers_url: `${user}/followers`,
    repos_url: `${user}/repos`,
    type: actor.type,
    user_view_type: 'public',
    site_admin: false,
  };
}

function performedVia(actor: Actor): unknown {
  return actor.login === 'github-actions[bot]' ? ACTIONS_APP : null;
}

function payloadOut(payload: unknown, s: Scenario): unknown {
  return s.payloadAs === 'string' && typeof payload !== 'string'
    ? JSON.stringify(payload)
    : payload;
}

export function deploymentJson(
  d: StoredDeployment,
  s: Scenario,
  urls: Urls,
): Record<string, unknown> {
  const url = `${repoUrl(urls, s)}/deployments/${d.id}`;
  return {
    url,
    id: d.id,
    node_id: nodeId('DE', d.id),
    sha: d.sha,
    ref: d.ref,
    task: d.task,
    payload: structuredClone(payloadOut(d.payload, s)),
    original_environment: d.original_environment,
    environment: d.environment,
    description: d.description,
    creator: userJson(d.creator, urls),
    created_at: isoSeconds(d.createdAt),
    updated_at: isoSeconds(d.updatedAt),
    statuses_url: `${url}/statuses`,
    repository_url: repoUrl(urls, s),
    transient_environment: d.transient_environment,
    production_environment: d.production_environment,
    performed_via_github_app: performedVia(d.creator),
  };
}

export function statusJson(
  d: StoredDeployment,
  st: StoredStatus,
  s: Scenario,
  urls: Urls,
): Record<string, unknown> {
  const deploymentUrl = `${repoUrl(urls, s)}/deployments/${d.id}`;
  return {
    url: `${deploymentUrl}/statuses/${st.id}`,
    id: st.id,
    node_id: nodeId('DES', st.id),
    state: st.state,
    creator: userJson(st.creator, urls),
    description: st.description,
    environment: st.environment,
    target_url: st.log_url,
    created_at: isoSeconds(st.createdAt),
    updated_at: isoSeconds(st.createdAt),
    deployment_url: deploymentUrl,
    repository_url: repoUrl(urls, s),
    environment_url: st.environment_url,
    log_url: st.log_url,
    performed_via_github_app: performedVia(st.creator),
  };
}

export function commitJson(
  sha: string,
  s: Scenario,
  urls: Urls,
  now: number,
): Record<string, unknown> {
  const repo = repoUrl(urls, s);
  const person = {
    name: 'Octo Cat',
    email: 'octocat@users.noreply.github.com',
    date: isoSeconds(now),
  };
  return {
    sha,
    node_id: nodeId('C', parseInt(sha.slice(0, 12), 16)),
    commit: {
      author: person,
      committer: person,
      message: `Commit ${sha.slice(0, 7)}`,
      tree: { sha: sha.split('').reverse().join(''), url: `${repo}/git/trees/${sha}` },
      url: `${repo}/git/commits/${sha}`,
      comment_count: 0,
      verification: {
        verified: false,
        reason: 'unsigned',
        signature: null,
        payload: null,
        verified_at: null,
      },
    },
    url: `${repo}/commits/${sha}`,
    html_url: `${urls.web}/${s.owner}/${s.repo}/commit/${sha}`,
    comments_url: `${repo}/commits/${sha}/comments`,
    author: null,
    committer: null,
    parents: [],
    stats: { total: 0, additions: 0, deletions: 0 },
    files: [],
  };
}
