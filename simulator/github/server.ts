// HTTP front of the GitHub simulator: path prefix, routing, auth, rate limit, faults, request log.
import { createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { acceptedPermissions, authorize, identify } from './auth.ts';
import { FaultQueue } from './faults.ts';
import {
  createDeployment,
  createStatus,
  getCommit,
  getDeployment,
  getStatus,
  listDeployments,
  listStatuses,
} from './handlers.ts';
import type { Reply, Request } from './handlers.ts';
import type { Urls } from './objects.ts';
import {
  API_VERSION_SELECTED,
  DOC_URL,
  MESSAGES,
  error,
  errorBody,
  newRequestId,
} from './quirks.ts';
import { RateLimits, rateLimitFault } from './ratelimit.ts';
import { DEFAULT_TOKEN, checkScenarioInput } from './scenario.ts';
import type { Fault, RouteName, ScenarioInput } from './scenario.ts';
import { GitHubState } from './state.ts';
import type { SimDeployment } from './state.ts';

export type {
  Actor,
  CheckState,
  DeploymentState,
  Fault,
  ListOrder,
  Permission,
  RateLimitInput,
  RouteName,
  Scenario,
  ScenarioInput,
  SeedDeployment,
  SeedStatus,
  TokenSpec,
} from './scenario.ts';
export {
  ACTIONS_BOT,
  DEFAULT_OWNER,
  DEFAULT_REPO,
  DEFAULT_REPOSITORY_ID,
  DEFAULT_TOKEN,
  DEPENDABOT,
  MAIN_SHA,
  OCTOCAT,
  READ_ONLY_TOKEN,
  RELEASE_SHA,
  fakeSha,
} from './scenario.ts';
export type { SimDeployment, SimDeploymentStatus } from './state.ts';
export { MESSAGES, STATUS_DESCRIPTION_MAX } from './quirks.ts';

export interface RecordedRequest {
  method: string;
  /** The path as received (path prefix included). */
  path: string;
  query: Record<string, string>;
  headers: Record<string, string | string[] | undefined>;
  /** Parsed JSON, the raw string when it is not JSON, undefined when empty. */
  body: unknown;
  receivedAt: number;
  route: RouteName | 'unknown';
  /** HTTP status sent; undefined when no reply was sent (reset, hang, commitThenDrop). */
  status?: number;
  /** Kind of the fault that hit this request. */
  fault?: Fault['kind'];
}

export interface GitHubSimulator {
  /** The API base URL, path prefix included: what GITHUB_API_URL should be. */
  url: string;
  /** Scheme, host and port only (also the base of html_url links). */
  origin: string;
  /** The default token (github-actions[bot], deployments: write, contents: read). */
  token: string;
  readonly owner: string;
  readonly repo: string;
  requests: RecordedRequest[];
  /** Merges a scenario into the current one (see README.md). */
  configure(scenario: ScenarioInput): void;
  /** Every deployment, oldest first, with its statuses (oldest first). */
  deployments(): SimDeployment[];
  deployment(id: number): SimDeployment | undefined;
  /** Branch and tag heads now (auto-merge moves branches). */
  refs(): { defaultBranch: string; branches: Record<string, string>; tags: Record<string, string> };
  close(): Promise<void>;
}

export interface GitHubStartOptions {
  port?: number;
  host?: string;
  /** Serve the API under this path, e.g. `/api/v3` as GitHub Enterprise Server does. */
  pathPrefix?: string;
  scenario?: ScenarioInput;
}

const REPO = String.raw`^/(?:repos/([^/]+)/([^/]+)|repositories/(\d+))`;
const ROUTES: { method: string; pattern: RegExp; route: RouteName }[] = [
  { method: 'POST', pattern: new RegExp(`${REPO}/deployments$`), route: 'createDeployment' },
  { method: 'GET', pattern: new RegExp(`${REPO}/deployments$`), route: 'listDeployments' },
  { method: 'GET', pattern: new RegExp(`${REPO}/deployments/([^/]+)$`), route: 'getDeployment' },
  {
    method: 'POST',
    pattern: new RegExp(`${REPO}/deployments/([^/]+)/statuses$`),
    route: 'createStatus',
  },
  {
    method: 'GET',
    pattern: new RegExp(`${REPO}/deployments/([^/]+)/statuses$`),
    route: 'listStatuses',
  },
  {
    method: 'GET',
    pattern: new RegExp(`${REPO}/deployments/([^/]+)/statuses/([^/]+)$`),
    route: 'getStatus',
  },
  { method: 'GET', pattern: new RegExp(`${REPO}/commits/(.+)$`), route: 'getCommit' },
];

interface Match {
  route: RouteName;
  owner?: string;
  repo?: string;
  repositoryId?: string;
  params: string[];
}

function matchRoute(method: string, path: string): Match | undefined {
  for (const r of ROUTES) {
    const m = r.method === method ? r.pattern.exec(path) : null;
    if (!m) continue;
    try {
      const [owner, repo, repositoryId, ...params] = m
        .slice(1)
        .map((p) => (p === undefined ? undefined : decodeURIComponent(p)));
      return { route: r.route, owner, repo, repositoryId, params: params as string[] };
    } catch {
      return undefined; // malformed percent-encoding
    }
  }
  return undefined;
}

interface Body {
  value: unknown;
  isJson: boolean;
  /** For the log: parsed JSON, or the raw text. */
  logged: unknown;
}

async function readBody(req: IncomingMessage): Promise<Body> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  if (text.trim() === '') return { value: undefined, isJson: true, logged: undefined };
  try {
    const value = JSON.parse(text) as unknown;
    return { value, isJson: true, logged: value };
  } catch {
    return { value: undefined, isJson: false, logged: text };
  }
}

function normalizePrefix(prefix: string | undefined): string {
  const trimmed = (prefix ?? '').replace(/\/+$/, '');
  if (trimmed === '') return '';
  return trimmed.startsWith('/') ? trimmed : `/${trimmed}`;
}

export async function startGitHubSimulator(
  options: GitHubStartOptions = {},
): Promise<GitHubSimulator> {
  const state = new GitHubState();
  const faults = new FaultQueue();
  const limits = new RateLimits();
  const requests: RecordedRequest[] = [];
  const delays = new Set<() => void>();
  const host = options.host ?? '127.0.0.1';
  const prefix = normalizePrefix(options.pathPrefix);
  let urls: Urls = { api: '', web: '' };
  let closing: Promise<void> | undefined;
  let closed = false;

  function configure(input: ScenarioInput): void {
    checkScenarioInput(input);
    state.configure(input, Date.now());
    if (input.rateLimit !== undefined) limits.configure(input.rateLimit);
    faults.add(input.faults ?? []);
  }

  function send(
    res: ServerResponse,
    rec: RecordedRequest,
    status: number,
    headers: Record<string, string>,
    body: string,
  ): void {
    if (res.destroyed || res.writableEnded) return;
    rec.status = status;
    res.writeHead(status, headers);
    res.end(body);
  }

  function baseHeaders(route: RouteName | 'unknown'): Record<string, string> {
    return {
      'content-type': 'application/json; charset=utf-8',
      'x-github-request-id': newRequestId(),
      'x-github-media-type': 'github.v3; format=json',
      'x-github-api-version-selected': API_VERSION_SELECTED,
      ...(route === 'unknown'
        ? {}
        : { 'x-accepted-github-permissions': acceptedPermissions(route) }),
    };
  }

  function sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        delays.delete(done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      delays.add(done);
    });
  }

  /** The answer of an API request (auth, rate limit, repository, permission, then the route). */
  function answer(
    match: Match | undefined,
    req: IncomingMessage,
    body: Body,
    now: number,
  ): {
    reply: Reply;
    rateHeaders: Record<string, string>;
  } {
    const scenario = state.scenario;
    const docUrl = match ? DOC_URL[match.route] : DOC_URL.unknown;
    const caller = identify(req.headers.authorization, scenario, docUrl);
    if ('body' in caller) return { reply: caller, rateHeaders: {} };
    const limited = limits.take(caller, now);
    if (limited.refusal) return { reply: limited.refusal, rateHeaders: limited.headers };
    const rateHeaders = limited.headers;
    if (!match) return { reply: error(404, MESSAGES.notFound, docUrl), rateHeaders };
    const sameRepo = match.repositoryId
      ? match.repositoryId === String(scenario.repositoryId)
      : match.owner?.toLowerCase() === scenario.owner.toLowerCase() &&
        match.repo?.toLowerCase() === scenario.repo.toLowerCase();
    if (!sameRepo) return { reply: error(404, MESSAGES.notFound, docUrl), rateHeaders };
    const refusal = authorize(caller, match.route, scenario);
    if (refusal) return { reply: refusal, rateHeaders };

    state.expireStatuses(now);
    const url = new URL(req.url ?? '/', 'http://simulator');
    const request: Request = {
      state,
      urls,
      now,
      query: url.searchParams,
      body: body.value,
      bodyIsJson: body.isJson,
      accept: String(req.headers.accept ?? ''),
      ...(caller.actor ? { actor: caller.actor } : {}),
    };
    const [a = '', b = ''] = match.params;
    const reply = ((): Reply => {
      switch (match.route) {
        case 'createDeployment':
          return createDeployment(request);
        case 'listDeployments':
          return listDeployments(request);
        case 'getDeployment':
          return getDeployment(request, a);
        case 'createStatus':
          return createStatus(request, a);
        case 'listStatuses':
          return listStatuses(request, a);
        case 'getStatus':
          return getStatus(request, a, b);
        case 'getCommit':
          return getCommit(request, a);
      }
    })();
    return { reply, rateHeaders };
  }

  async function admin(req: IncomingMessage, res: ServerResponse, path: string): Promise<void> {
    const body = await readBody(req);
    const json = (status: number, value: unknown): void => {
      if (res.destroyed || res.writableEnded) return;
      res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
      res.end(JSON.stringify(value));
    };
    if (req.method === 'GET' && path === '/__sim/state') {
      json(200, { deployments: snapshot(), refs: refs(), requests });
    } else if (req.method === 'POST' && path === '/__sim/scenario') {
      try {
        if (!body.isJson) throw new Error('body is not valid JSON');
        configure(checkScenarioInput(body.value ?? {}));
        json(200, { ok: true });
      } catch (err) {
        json(400, { ok: false, error: (err as Error).message });
      }
    } else {
      json(404, { ok: false, error: `no admin route ${req.method} ${path}` });
    }
  }

  /** What the API would show now (expired statuses deleted). */
  function snapshot(): SimDeployment[] {
    state.expireStatuses(Date.now());
    return state.snapshot();
  }

  function refs(): ReturnType<GitHubSimulator['refs']> {
    const s = state.scenario;
    return { defaultBranch: s.defaultBranch, branches: { ...s.branches }, tags: { ...s.tags } };
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://simulator');
    if (url.pathname.startsWith('/__sim/')) return admin(req, res, url.pathname);

    const method = req.method ?? 'GET';
    const inPrefix = prefix === '' || url.pathname.startsWith(`${prefix}/`);
    const match = inPrefix ? matchRoute(method, url.pathname.slice(prefix.length)) : undefined;
    const route = match?.route ?? 'unknown';
    const rec: RecordedRequest = {
      method,
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      headers: { ...req.headers },
      body: undefined,
      receivedAt: Date.now(),
      route,
    };
    requests.push(rec);
    const body = await readBody(req);
    rec.body = body.logged;

    const fault = faults.take(route);
    if (fault) rec.fault = fault.kind;
    switch (fault?.kind) {
      case 'reset':
        req.socket.destroy();
        return;
      case 'hang':
        return; // never answered; close() destroys the socket
      case 'rateLimit': {
        const r = rateLimitFault(fault, Date.now());
        send(res, rec, r.status, { ...baseHeaders(route), ...r.headers }, JSON.stringify(r.body));
        return;
      }
      case 'status':
        if (!fault.process) {
          sendStatusFault(res, rec, route, fault);
          return;
        }
    }

    const { reply, rateHeaders } = answer(match, req, body, Date.now());
    if (fault?.kind === 'commitThenDrop') {
      req.socket.destroy();
      return;
    }
    if (fault?.kind === 'status') {
      sendStatusFault(res, rec, route, fault);
      return;
    }
    if (fault?.kind === 'delay') await sleep(fault.delayMs);
    if (closed) return;
    const headers = { ...baseHeaders(route), ...rateHeaders, ...reply.headers };
    if (reply.text) {
      send(
        res,
        rec,
        reply.status,
        { ...headers, 'content-type': reply.text.contentType },
        reply.text.body,
      );
    } else {
      send(res, rec, reply.status, headers, JSON.stringify(reply.body));
    }
  }

  function sendStatusFault(
    res: ServerResponse,
    rec: RecordedRequest,
    route: RouteName | 'unknown',
    fault: Extract<Fault, { kind: 'status' }>,
  ): void {
    const body =
      fault.body ??
      JSON.stringify(errorBody(fault.status, MESSAGES.serverError(fault.status), DOC_URL.unknown));
    const headers: Record<string, string> = { ...baseHeaders(route), ...fault.headers };
    if (fault.contentType) headers['content-type'] = fault.contentType;
    send(res, rec, fault.status, headers, body);
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      console.error('github-simulator: internal error', err);
      if (res.headersSent || res.destroyed) return;
      res.writeHead(500, { 'content-type': 'application/json; charset=utf-8' });
      res.end(JSON.stringify({ message: `simulator internal error: ${String(err)}` }));
    });
  });

  if (options.scenario) configure(options.scenario);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const origin = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  urls = { api: `${origin}${prefix}`, web: origin };

  return {
    url: urls.api,
    origin,
    token: DEFAULT_TOKEN,
    get owner() {
      return state.scenario.owner;
    },
    get repo() {
      return state.scenario.repo;
    },
    requests,
    configure,
    deployments: () => snapshot(),
    deployment: (id) => snapshot().find((d) => d.id === id),
    refs,
    close() {
      closed = true;
      closing ??= new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        server.closeAllConnections();
        for (const done of [...delays]) done();
      });
      return closing;
    },
  };
}
