// Scenario: the simulated repository (refs, checks, tokens, deployments, faults) and its defaults.
import { createHash } from 'node:crypto';

export type RouteName =
  | 'createDeployment'
  | 'listDeployments'
  | 'getDeployment'
  | 'createStatus'
  | 'listStatuses'
  | 'getStatus'
  | 'getCommit';

export const ROUTE_NAMES: readonly RouteName[] = [
  'createDeployment',
  'listDeployments',
  'getDeployment',
  'createStatus',
  'listStatuses',
  'getStatus',
  'getCommit',
];

export type DeploymentState =
  'error' | 'failure' | 'inactive' | 'in_progress' | 'queued' | 'pending' | 'success';
export const DEPLOYMENT_STATES: readonly DeploymentState[] = [
  'error',
  'failure',
  'inactive',
  'in_progress',
  'queued',
  'pending',
  'success',
];

/** State of a commit status or check context. */
export type CheckState = 'success' | 'failure' | 'error' | 'pending';

export type Permission = 'write' | 'read' | 'none';

export interface Actor {
  login: string;
  id: number;
  type: 'Bot' | 'User' | 'Organization';
}

/** What a token may do. An installation token (GITHUB_TOKEN) when its actor is a Bot. */
export interface TokenSpec {
  /** Default github-actions[bot]. */
  actor?: Actor;
  /** Default write. */
  deployments?: Permission;
  /** Default read. */
  contents?: Permission;
}

export interface SeedStatus {
  state: DeploymentState;
  /** ISO date or epoch milliseconds; default: the deployment's created_at. */
  created_at?: string | number;
  description?: string;
  log_url?: string;
  environment_url?: string;
  /** Default: the deployment's creator. */
  creator?: Actor;
}

/** A deployment that exists when the scenario is configured. */
export interface SeedDeployment {
  /** Default: the next id (seeds get ids in created_at order). */
  id?: number;
  /** Default production. */
  environment?: string;
  /** Default deploy. */
  task?: string;
  /** Default: `ref` resolved; one of sha and ref is needed. Seed SHAs become known commits. */
  sha?: string;
  /** Default: the sha. */
  ref?: string;
  /** Stored as given (object or string); default {}. */
  payload?: unknown;
  description?: string | null;
  /** Default github-actions[bot]. */
  creator?: Actor;
  /** ISO date or epoch milliseconds; default now. */
  created_at?: string | number;
  transient_environment?: boolean;
  /** Default true for an environment named `production`. */
  production_environment?: boolean;
  /** Oldest first. */
  statuses?: SeedStatus[];
}

/** List order. GitHub promises none; it answers newest first (id descending). */
export type ListOrder = 'newest' | 'oldest' | 'shuffled';

/** The primary rate limit, per token (anonymous callers share one budget). */
export interface RateLimitInput {
  /** Requests per hour; default 1000 (GITHUB_TOKEN), 60 for anonymous callers. */
  limit?: number;
  /** Requests left in the current window; default `limit`. */
  remaining?: number;
  /** Seconds until the window resets; default 3600. */
  resetInSeconds?: number;
  /** Status of the refusal: 403 (default) or 429. */
  status?: 403 | 429;
}

type FaultRoute = RouteName | '*';

export type Fault =
  /** Reply this status (default JSON body `{message, status}`), request not processed unless
   *  `process` (then it is carried out first: the caller cannot know it happened). */
  | {
      route: FaultRoute;
      times?: number;
      kind: 'status';
      status: number;
      body?: string;
      contentType?: string;
      headers?: Record<string, string>;
      process?: boolean;
    }
  /** A rate-limit refusal as GitHub writes it (primary: x-ratelimit-remaining 0 and
   *  x-ratelimit-reset; secondary: retry-after unless null). */
  | {
      route: FaultRoute;
      times?: number;
      kind: 'rateLimit';
      limit: 'primary' | 'secondary';
      status?: 403 | 429;
      retryAfter?: string | null;
      resetInSeconds?: number;
    }
  | { route: FaultRoute; times?: number; kind: 'reset' }
  | { route: FaultRoute; times?: number; kind: 'hang' }
  | { route: FaultRoute; times?: number; kind: 'delay'; delayMs: number }
  /** Carry the request out, then destroy the socket (the reply is lost). */
  | { route: FaultRoute; times?: number; kind: 'commitThenDrop' };

export type FaultKind = Fault['kind'];
export const FAULT_KINDS: readonly FaultKind[] = [
  'status',
  'rateLimit',
  'reset',
  'hang',
  'delay',
  'commitThenDrop',
];

export interface Scenario {
  owner: string;
  repo: string;
  repositoryId: number;
  /** A public repository answers reads without a token or permission. */
  visibility: 'private' | 'public';
  defaultBranch: string;
  /** branch name → SHA */
  branches: Record<string, string>;
  /** tag name → SHA */
  tags: Record<string, string>;
  /** Known commits besides the branch and tag heads. */
  commits: string[];
  /** SHA (or '*' for every commit) → context → state: what required_contexts checks. */
  checks: Record<string, Record<string, CheckState>>;
  /** Refs (names or SHAs) behind the default branch: auto_merge answers 202 and merges. */
  behindDefault: string[];
  /** Refs whose auto-merge conflicts: 409. */
  mergeConflicts: string[];
  tokens: Record<string, TokenSpec>;
  deploymentOrder: ListOrder;
  statusOrder: ListOrder;
  /** Seed of the shuffled order. */
  shuffleSeed: number;
  /** `given`: the payload comes back as stored; `string`: always as a JSON string. */
  payloadAs: 'given' | 'string';
  /** Statuses other than a deployment's newest are deleted this many days after creation. */
  statusRetentionDays: number;
  rateLimit: RateLimitInput | false;
  /** Status of GET commit for a ref that names no commit. */
  commitNotFoundStatus: 404 | 422;
  /** Link header URLs: `/repositories/{id}/…` (as GitHub writes them) or `/repos/{o}/{r}/…`. */
  linkStyle: 'repositories' | 'repos';
  /** Every seed ever configured (the live deployments are in state.ts). */
  deployments: SeedDeployment[];
  /** Every fault ever configured (the live queue is in faults.ts). */
  faults: Fault[];
}

export interface ScenarioInput {
  owner?: string;
  repo?: string;
  repositoryId?: number;
  visibility?: 'private' | 'public';
  defaultBranch?: string;
  branches?: Record<string, string>;
  tags?: Record<string, string>;
  commits?: string[];
  checks?: Record<string, Record<string, CheckState>>;
  behindDefault?: string[];
  mergeConflicts?: string[];
  tokens?: Record<string, TokenSpec>;
  deploymentOrder?: ListOrder;
  statusOrder?: ListOrder;
  shuffleSeed?: number;
  payloadAs?: 'given' | 'string';
  statusRetentionDays?: number;
  rateLimit?: RateLimitInput | false;
  commitNotFoundStatus?: 404 | 422;
  linkStyle?: 'repositories' | 'repos';
  deployments?: SeedDeployment[];
  faults?: Fault[];
}

/** A stable fake SHA for a name (tests can compute the same one). */
export function fakeSha(name: string): string {
  return createHash('sha1').update(`commit:${name}`).digest('hex');
}

export const ACTIONS_BOT: Actor = { login: 'github-actions[bot]', id: 41898282, type: 'Bot' };
export const DEPENDABOT: Actor = { login: 'dependabot[bot]', id: 49699333, type: 'Bot' };
export const OCTOCAT: Actor = { login: 'octocat', id: 583231, type: 'User' };

/** The workflow's GITHUB_TOKEN with `deployments: write` and `contents: read`. */
export const DEFAULT_TOKEN = 'ghs_SimulatedActionsToken0000000000000001';
/** A read-only GITHUB_TOKEN, as a fork pull request or Dependabot gets. */
export const READ_ONLY_TOKEN = 'ghs_SimulatedReadOnlyToken000000000000002';
export const DEFAULT_OWNER = 'octo-org';
export const DEFAULT_REPO = 'octo-repo';
export const DEFAULT_REPOSITORY_ID = 735190421;
export const MAIN_SHA = fakeSha('main');
export const RELEASE_SHA = fakeSha('v1.0.0');

export function defaultScenario(): Scenario {
  return {
    owner: DEFAULT_OWNER,
    repo: DEFAULT_REPO,
    repositoryId: DEFAULT_REPOSITORY_ID,
    visibility: 'private',
    defaultBranch: 'main',
    branches: { main: MAIN_SHA },
    tags: { 'v1.0.0': RELEASE_SHA },
    commits: [],
    // The running job's own check is still pending on every commit: a deployment that leaves
    // required_contexts out is refused, as it is in a real workflow.
    checks: { '*': { build: 'pending' } },
    behindDefault: [],
    mergeConflicts: [],
    tokens: {
      [DEFAULT_TOKEN]: { actor: ACTIONS_BOT, deployments: 'write', contents: 'read' },
      [READ_ONLY_TOKEN]: { actor: ACTIONS_BOT, deployments: 'read', contents: 'read' },
    },
    deploymentOrder: 'newest',
    statusOrder: 'newest',
    shuffleSeed: 1,
    payloadAs: 'given',
    statusRetentionDays: 90,
    rateLimit: {},
    commitNotFoundStatus: 422,
    linkStyle: 'repositories',
    deployments: [],
    faults: [],
  };
}

/** Settings replace; branches, tags, checks and tokens merge by key; lists append. */
export function mergeScenario(base: Scenario, input: ScenarioInput): Scenario {
  return {
    owner: input.owner ?? base.owner,
    repo: input.repo ?? base.repo,
    repositoryId: input.repositoryId ?? base.repositoryId,
    visibility: input.visibility ?? base.visibility,
    defaultBranch: input.defaultBranch ?? base.defaultBranch,
    branches: { ...base.branches, ...input.branches },
    tags: { ...base.tags, ...input.tags },
    commits: [...base.commits, ...(input.commits ?? [])],
    checks: { ...base.checks, ...input.checks },
    behindDefault: [...base.behindDefault, ...(input.behindDefault ?? [])],
    mergeConflicts: [...base.mergeConflicts, ...(input.mergeConflicts ?? [])],
    tokens: { ...base.tokens, ...input.tokens },
    deploymentOrder: input.deploymentOrder ?? base.deploymentOrder,
    statusOrder: input.statusOrder ?? base.statusOrder,
    shuffleSeed: input.shuffleSeed ?? base.shuffleSeed,
    payloadAs: input.payloadAs ?? base.payloadAs,
    statusRetentionDays: input.statusRetentionDays ?? base.statusRetentionDays,
    rateLimit: input.rateLimit ?? base.rateLimit,
    commitNotFoundStatus: input.commitNotFoundStatus ?? base.commitNotFoundStatus,
    linkStyle: input.linkStyle ?? base.linkStyle,
    deployments: [...base.deployments, ...(input.deployments ?? [])],
    faults: [...base.faults, ...(input.faults ?? [])],
  };
}

const SHA = /^[0-9a-f]{40}$/;
const ORDERS: readonly string[] = ['newest', 'oldest', 'shuffled'];

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function checkSha(where: string, value: unknown): void {
  if (typeof value !== 'string' || !SHA.test(value)) {
    throw new Error(
      `${where} must be a 40-character lowercase hex SHA, got ${JSON.stringify(value)}`,
    );
  }
}

function checkOneOf(where: string, value: unknown, allowed: readonly unknown[]): void {
  if (value !== undefined && !allowed.includes(value)) {
    throw new Error(`${where} must be one of ${allowed.map((a) => JSON.stringify(a)).join(', ')}`);
  }
}

/** Light shape check for scenarios that arrive as JSON (file, admin route); throws on nonsense. */
export function checkScenarioInput(value: unknown): ScenarioInput {
  if (!isObject(value)) throw new Error('scenario must be a JSON object');
  const s = value;
  for (const key of ['owner', 'repo', 'defaultBranch']) {
    if (s[key] !== undefined && (typeof s[key] !== 'string' || s[key] === '')) {
      throw new Error(`scenario.${key} must be a non-empty string`);
    }
  }
  for (const key of ['branches', 'tags']) {
    if (s[key] === undefined) continue;
    if (!isObject(s[key])) throw new Error(`scenario.${key} must be an object of name → SHA`);
    for (const [name, sha] of Object.entries(s[key])) checkSha(`scenario.${key}.${name}`, sha);
  }
  for (const key of ['commits', 'behindDefault', 'mergeConflicts', 'deployments', 'faults']) {
    if (s[key] !== undefined && !Array.isArray(s[key])) {
      throw new Error(`scenario.${key} must be an array`);
    }
  }
  for (const [i, sha] of ((s.commits ?? []) as unknown[]).entries()) {
    checkSha(`scenario.commits[${i}]`, sha);
  }
  checkOneOf('scenario.visibility', s.visibility, ['private', 'public']);
  checkOneOf('scenario.deploymentOrder', s.deploymentOrder, ORDERS);
  checkOneOf('scenario.statusOrder', s.statusOrder, ORDERS);
  checkOneOf('scenario.payloadAs', s.payloadAs, ['given', 'string']);
  checkOneOf('scenario.commitNotFoundStatus', s.commitNotFoundStatus, [404, 422]);
  checkOneOf('scenario.linkStyle', s.linkStyle, ['repositories', 'repos']);
  if (s.checks !== undefined) {
    if (!isObject(s.checks)) throw new Error('scenario.checks must be an object');
    for (const [sha, contexts] of Object.entries(s.checks)) {
      if (!isObject(contexts)) throw new Error(`scenario.checks.${sha} must be an object`);
      for (const [context, state] of Object.entries(contexts)) {
        checkOneOf(`scenario.checks.${sha}.${context}`, state, [
          'success',
          'failure',
          'error',
          'pending',
        ]);
      }
    }
  }
  if (s.tokens !== undefined) {
    if (!isObject(s.tokens)) throw new Error('scenario.tokens must be an object');
    for (const [token, spec] of Object.entries(s.tokens)) {
      if (!isObject(spec)) throw new Error(`scenario.tokens.${token} must be an object`);
      checkOneOf(`scenario.tokens.${token}.deployments`, spec.deployments, [
        'write',
        'read',
        'none',
      ]);
      checkOneOf(`scenario.tokens.${token}.contents`, spec.contents, ['write', 'read', 'none']);
    }
  }
  const limit = s.rateLimit;
  if (limit !== undefined && limit !== false) {
    if (!isObject(limit)) throw new Error('scenario.rateLimit must be false or an object');
    for (const key of ['limit', 'remaining', 'resetInSeconds']) {
      const n = limit[key];
      if (n !== undefined && !(Number.isInteger(n) && (n as number) >= 0)) {
        throw new Error(`scenario.rateLimit.${key} must be an integer >= 0`);
      }
    }
    checkOneOf('scenario.rateLimit.status', limit.status, [403, 429]);
  }
  const days = s.statusRetentionDays;
  if (days !== undefined && !(typeof days === 'number' && days >= 0)) {
    throw new Error('scenario.statusRetentionDays must be a number >= 0');
  }
  for (const [i, d] of ((s.deployments ?? []) as unknown[]).entries()) {
    if (!isObject(d)) throw new Error(`scenario.deployments[${i}] must be an object`);
    if (d.sha !== undefined) checkSha(`scenario.deployments[${i}].sha`, d.sha);
    if (d.sha === undefined && typeof d.ref !== 'string') {
      throw new Error(`scenario.deployments[${i}] needs a sha or a ref`);
    }
    if (d.statuses !== undefined && !Array.isArray(d.statuses)) {
      throw new Error(`scenario.deployments[${i}].statuses must be an array`);
    }
    for (const [j, st] of ((d.statuses ?? []) as unknown[]).entries()) {
      const state = isObject(st) ? st.state : undefined;
      if (!DEPLOYMENT_STATES.includes(state as DeploymentState)) {
        throw new Error(
          `scenario.deployments[${i}].statuses[${j}].state must be one of ${DEPLOYMENT_STATES.join(', ')}`,
        );
      }
    }
  }
  for (const f of (s.faults ?? []) as unknown[]) {
    const fault = isObject(f) ? f : {};
    const routeOk = fault.route === '*' || ROUTE_NAMES.includes(fault.route as RouteName);
    if (!routeOk || !FAULT_KINDS.includes(fault.kind as FaultKind)) {
      throw new Error(`invalid fault ${JSON.stringify(f)}: needs route and kind`);
    }
    if (fault.times !== undefined && !(typeof fault.times === 'number' && fault.times >= 1)) {
      throw new Error(`invalid fault ${JSON.stringify(f)}: times must be >= 1`);
    }
  }
  return s as ScenarioInput;
}
