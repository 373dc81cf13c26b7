// HTTP front of the simulator: routing, auth, envelope, request log, faults, admin routes; the
// same handling for the control plane and for every cluster's own endpoint (endpoints.ts).
import { createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DATA_PATHS, dataPlane } from './dataplane.ts';
import { deleteBackup } from './delete.ts';
import { ClusterEndpoints } from './endpoints.ts';
import { FaultQueue, faultReply } from './faults.ts';
import { createBackup, describeBackup, describeJob, fail, listBackups } from './handlers.ts';
import type { ApiReply } from './handlers.ts';
import {
  clusterStatus,
  describeCluster,
  listClusters,
  restoreCluster,
  restoreCollection,
} from './restore.ts';
import type { ClusterAddress } from './restore.ts';
import {
  DEFAULT_DATABASE,
  ERR,
  MILVUS_ERR,
  faultCarriesRequestId,
  newRequestId,
} from './quirks.ts';
import { RateLimiter } from './throttle.ts';
import { checkScenarioInput } from './scenario.ts';
import type {
  Cluster,
  DataRouteName,
  Fault,
  Injection,
  RouteName,
  ScenarioInput,
} from './scenario.ts';
import { SimState } from './state.ts';
import type { SimBackup, SimCollection, SimJob } from './state.ts';

export type {
  Cluster,
  ClusterInput,
  DataRouteName,
  EndpointMode,
  ExistingBackup,
  Fault,
  FaultRoute,
  Injection,
  JobOutcome,
  JobStatus,
  RestoreFieldSpelling,
  RouteName,
  Scenario,
  ScenarioInput,
} from './scenario.ts';
export {
  DEFAULT_API_KEY,
  DEFAULT_CLUSTER_ID,
  DEFAULT_PROJECT_ID,
  DEFAULT_ROW_COUNT,
  SERVERLESS_CLUSTER_ID,
} from './scenario.ts';
export type { RowCounts, SimBackup, SimCollection, SimJob } from './state.ts';
export { ERR, MILVUS_ERR } from './quirks.ts';

/**
 * The simulator's clock: the wall-clock time when the process started, moved on by the
 * monotonic clock that timers run on. Jobs progress and requests are stamped on it, so that a
 * wall clock that is set while the simulator runs (or read a few ms off now and then, as on some
 * virtual machines) never ends a job early or shortens the gap between two requests.
 */
export function simulatorNow(): number {
  return Math.floor(performance.timeOrigin + performance.now());
}

export interface RecordedRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  headers: Record<string, string | string[] | undefined>;
  /** Parsed JSON, the raw string when it is not JSON, undefined when empty. */
  body: unknown;
  /** simulatorNow() when the request came in. */
  receivedAt: number;
  route: RouteName | DataRouteName | 'unknown';
  /** Set for requests to a cluster's own endpoint: that cluster. */
  clusterId?: string;
  /** HTTP status sent; undefined when no reply was sent (reset, hang, commitThenDrop). */
  status?: number;
  /** Kind of the fault that hit this request. */
  fault?: string;
}

export interface Simulator {
  url: string;
  apiKey: string;
  requests: RecordedRequest[];
  configure(scenario: ScenarioInput): void;
  backups(): SimBackup[];
  jobs(): SimJob[];
  /** Every cluster by id, including those made by Restore cluster. */
  clusters(): Record<string, Cluster>;
  /** What the cluster's endpoint lists in the database (default `default`), with row counts;
   *  restores still running left out. Throws for an unknown cluster or database. */
  collections(clusterId: string, dbName?: string): SimCollection[];
  /** Creates a collection on the cluster or changes it (rows; loaded unless `loaded: false`). */
  putCollection(
    clusterId: string,
    collection: { dbName?: string; collectionName: string; rowCount: number; loaded?: boolean },
  ): void;
  /** Drops a collection from the cluster, as someone working on the cluster would. */
  dropCollection(clusterId: string, collectionName: string, dbName?: string): void;
  /** The connectAddress Describe cluster reports now ('' when it reports none). */
  endpoint(clusterId: string): Promise<string>;
  close(): Promise<void>;
}

export interface StartOptions {
  port?: number;
  host?: string;
  scenario?: ScenarioInput;
}

interface Match {
  route: RouteName | DataRouteName;
  params: string[];
}

/** Where a request arrived: the control plane, or the endpoint of one cluster. */
interface Front {
  /** The cluster whose endpoint this is; undefined for the control plane. */
  clusterId?: string;
  match(method: string, path: string): Match | undefined;
  call(match: Match | undefined, rec: RecordedRequest, req: IncomingMessage): Promise<ApiReply>;
}

const ROUTES: { method: string; pattern: RegExp; route: RouteName }[] = [
  { method: 'POST', pattern: /^\/v2\/clusters\/([^/]+)\/backups\/create$/, route: 'createBackup' },
  { method: 'GET', pattern: /^\/v2\/jobs\/([^/]+)$/, route: 'describeJob' },
  {
    method: 'GET',
    pattern: /^\/v2\/clusters\/([^/]+)\/backups\/([^/]+)$/,
    route: 'describeBackup',
  },
  { method: 'GET', pattern: /^\/v2\/backups$/, route: 'listBackups' },
  {
    method: 'POST',
    pattern: /^\/v2\/clusters\/([^/]+)\/backups\/([^/]+)\/restoreCollection$/,
    route: 'restoreCollection',
  },
  {
    method: 'POST',
    pattern: /^\/v2\/clusters\/([^/]+)\/backups\/([^/]+)\/restoreCluster$/,
    route: 'restoreCluster',
  },
  { method: 'GET', pattern: /^\/v2\/clusters$/, route: 'listClusters' },
  { method: 'GET', pattern: /^\/v2\/clusters\/([^/]+)$/, route: 'describeCluster' },
  {
    method: 'DELETE',
    pattern: /^\/v2\/clusters\/([^/]+)\/backups\/([^/]+)$/,
    route: 'deleteBackup',
  },
];

/** The endpoint's routes: POST only, exact paths. */
function matchDataRoute(method: string, path: string): Match | undefined {
  const route = method === 'POST' && Object.hasOwn(DATA_PATHS, path) ? DATA_PATHS[path] : undefined;
  return route && { route, params: [] };
}

function matchRoute(method: string, path: string): Match | undefined {
  for (const r of ROUTES) {
    const m = r.method === method ? r.pattern.exec(path) : null;
    if (!m) continue;
    try {
      return { route: r.route, params: m.slice(1).map((p) => decodeURIComponent(p ?? '')) };
    } catch {
      return undefined; // malformed percent-encoding
    }
  }
  return undefined;
}

async function readBody(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  if (text === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

function send(
  res: ServerResponse,
  status: number,
  headers: Record<string, string>,
  body: string,
): void {
  if (res.destroyed || res.writableEnded) return;
  res.writeHead(status, headers);
  res.end(body);
}

function sendJson(res: ServerResponse, status: number, value: unknown): void {
  send(
    res,
    status,
    { 'content-type': 'application/json', requestid: newRequestId() },
    JSON.stringify(value),
  );
}

/** Adds the injected text to every string (or every string of the named fields) in `value`. */
function inject(value: unknown, injection: Injection, field = ''): unknown {
  if (typeof value === 'string') {
    return !injection.fields || injection.fields.includes(field) ? value + injection.text : value;
  }
  if (Array.isArray(value)) return value.map((item) => inject(item, injection, field));
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(
      Object.entries(value).map(([key, item]) => [key, inject(item, injection, key)]),
    );
  }
  return value;
}

/** The envelope with these fields left out of its data. */
function omitData(body: unknown, fields: string[]): unknown {
  const envelope = body as { data?: Record<string, unknown> };
  if (typeof envelope.data !== 'object' || envelope.data === null) return body;
  const data = Object.fromEntries(
    Object.entries(envelope.data).filter(([key]) => !fields.includes(key)),
  );
  return { ...envelope, data };
}

function isAuthorized(req: IncomingMessage, apiKey: string): boolean {
  const m = /^Bearer\s+(\S+)\s*$/i.exec(req.headers.authorization ?? '');
  return m?.[1] === apiKey;
}

export async function startSimulator(options: StartOptions = {}): Promise<Simulator> {
  const state = new SimState();
  const faults = new FaultQueue();
  const throttle = new RateLimiter();
  const requests: RecordedRequest[] = [];
  const delays = new Set<() => void>();
  const host = options.host ?? '127.0.0.1';
  const endpoints = new ClusterEndpoints(host, (clusterId, req, res) =>
    serve(endpointFront(clusterId), req, res),
  );
  let closing: Promise<void> | undefined;
  let closed = false;

  function configure(input: ScenarioInput): void {
    checkScenarioInput(input);
    state.configure(input, simulatorNow());
    faults.add(input.faults ?? []);
  }

  /** Describe cluster's addresses of every cluster now (RUNNING ones' servers started). */
  async function addresses(now: number): Promise<Map<string, ClusterAddress>> {
    const running = Object.entries(state.scenario.clusters).filter(
      ([, c]) => clusterStatus(state, c, now) === 'RUNNING',
    );
    const found = await Promise.all(running.map(([id, c]) => endpoints.address(id, c)));
    return new Map(running.map(([id], i) => [id, found[i] as ClusterAddress]));
  }

  async function api(
    match: Match | undefined,
    rec: RecordedRequest,
    req: IncomingMessage,
  ): Promise<ApiReply> {
    if (!match) return fail(ERR.notFound);
    if (!isAuthorized(req, state.scenario.apiKey)) return fail(ERR.apiKey);
    const now = simulatorNow();
    state.settle(now);
    const [a = '', b = ''] = match.params;
    switch (match.route) {
      case 'createBackup':
        return createBackup(state, a, rec.body, now);
      case 'describeJob':
        return describeJob(state, a, now);
      case 'describeBackup':
        return describeBackup(state, a, b, now);
      case 'listBackups':
        return listBackups(state, rec.query, now);
      case 'restoreCollection':
        return restoreCollection(state, a, b, rec.body, now);
      case 'restoreCluster':
        return restoreCluster(state, a, b, rec.body, now);
      case 'listClusters':
        return listClusters(state, rec.query, await addresses(now), now);
      case 'describeCluster':
        return describeCluster(state, a, await addresses(now), now);
      case 'deleteBackup':
        return deleteBackup(state, a, b, now);
      default:
        return fail(ERR.notFound); // an endpoint route sent to the control plane
    }
  }

  const controlPlane: Front = { match: matchRoute, call: api };

  function endpointFront(clusterId: string): Front {
    return {
      clusterId,
      match: matchDataRoute,
      call: async (match, rec, req) => {
        if (!match) return fail(MILVUS_ERR.notFound);
        state.settle(simulatorNow());
        const route = match.route as DataRouteName;
        return dataPlane(state, clusterId, route, rec.body, req.headers.authorization);
      },
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

  async function admin(req: IncomingMessage, res: ServerResponse, path: string): Promise<void> {
    const body = await readBody(req);
    if (req.method === 'GET' && path === '/__sim/state') {
      const now = simulatorNow();
      state.settle(now);
      sendJson(res, 200, {
        backups: state.backups(now),
        jobs: state.jobs(now),
        clusters: state.scenario.clusters,
        requests,
      });
    } else if (req.method === 'POST' && path === '/__sim/scenario') {
      try {
        if (typeof body === 'string') throw new Error('body is not valid JSON');
        configure(checkScenarioInput(body ?? {}));
        sendJson(res, 200, { ok: true });
      } catch (err) {
        sendJson(res, 400, { ok: false, error: (err as Error).message });
      }
    } else {
      sendJson(res, 404, { ok: false, error: `no admin route ${req.method} ${path}` });
    }
  }

  async function handle(front: Front, req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://simulator');
    if (!front.clusterId && url.pathname.startsWith('/__sim/')) {
      return admin(req, res, url.pathname);
    }

    const method = req.method ?? 'GET';
    const match = front.match(method, url.pathname);
    const rec: RecordedRequest = {
      method,
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      headers: { ...req.headers },
      body: undefined,
      receivedAt: simulatorNow(),
      route: match?.route ?? 'unknown',
      ...(front.clusterId === undefined ? {} : { clusterId: front.clusterId }),
    };
    requests.push(rec);
    rec.body = await readBody(req);

    const fault = faults.take(rec.route, front.clusterId);
    if (fault) rec.fault = fault.kind;
    let after: Fault['kind'] | 'busy' | undefined = fault?.kind;
    if (fault?.kind === 'foreignBackup') {
      state.addForeign(fault.backup, simulatorNow());
      after = fault.then === 'process' || fault.then === undefined ? undefined : fault.then;
    }
    if (fault?.kind === 'foreignCluster') {
      state.addCluster(fault.newClusterId, fault.cluster, simulatorNow());
      after = fault.then === 'commitThenDrop' ? 'commitThenDrop' : undefined;
    }
    switch (after) {
      case 'reset':
        req.socket.destroy();
        return;
      case 'hang':
        return; // never answered; close() destroys the socket
      case 'status':
      case 'nonJson': {
        if (fault?.kind !== 'status' && fault?.kind !== 'nonJson') return;
        const r = faultReply(fault);
        const headers: Record<string, string> = { 'content-type': r.contentType };
        if (faultCarriesRequestId(r.contentType)) headers.requestid = newRequestId();
        if (r.retryAfter !== undefined) headers['retry-after'] = r.retryAfter;
        rec.status = r.status;
        send(res, r.status, headers, r.body);
        return;
      }
      case 'busy':
        rec.status = 200;
        sendJson(res, 200, fail(ERR.manualBackupInProgress).body);
        return;
      case 'businessError':
        if (fault?.kind !== 'businessError') return;
        rec.status = fault.httpStatus ?? 200;
        sendJson(res, rec.status, { code: fault.code, message: fault.message });
        return;
    }

    // The documented rate limit is the control plane's; the endpoint has none of its own here.
    const key = `${rec.route} ${req.headers.authorization}`;
    const limit = state.scenario.rateLimit;
    const throttled =
      match && !fault && !front.clusterId ? throttle.check(limit, key, rec.receivedAt) : undefined;
    if (throttled) {
      rec.status = throttled.status;
      send(res, throttled.status, throttled.headers, throttled.body);
      return;
    }
    const reply = await front.call(match, rec, req);
    if (after === 'commitThenDrop') {
      req.socket.destroy();
      return;
    }
    if (fault?.kind === 'commitThenReply') {
      rec.status = 200;
      send(
        res,
        200,
        { 'content-type': 'application/json', requestid: newRequestId() },
        fault.body ?? JSON.stringify(omitData(reply.body, fault.omit ?? [])),
      );
      return;
    }
    if (fault?.kind === 'delay') await sleep(fault.delayMs);
    if (closed) return;
    rec.status = reply.httpStatus;
    const injection = state.scenario.inject;
    sendJson(res, reply.httpStatus, injection ? inject(reply.body, injection) : reply.body);
  }

  function serve(front: Front, req: IncomingMessage, res: ServerResponse): void {
    handle(front, req, res).catch((err: unknown) => {
      console.error('zilliz-simulator: internal error', err);
      sendJson(res, 500, { code: 500, message: `simulator internal error: ${String(err)}` });
    });
  }

  const server = createServer((req, res) => serve(controlPlane, req, res));

  if (options.scenario) configure(options.scenario);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;

  function knownCluster(clusterId: string): Cluster {
    const cluster = state.cluster(clusterId);
    if (!cluster) throw new Error(`unknown cluster ${clusterId}`);
    return cluster;
  }

  return {
    url,
    get apiKey() {
      return state.scenario.apiKey;
    },
    requests,
    configure,
    backups: () => state.backups(simulatorNow()),
    jobs: () => state.jobs(simulatorNow()),
    clusters: () => {
      state.settle(simulatorNow());
      return structuredClone(state.scenario.clusters);
    },
    collections(clusterId, dbName = DEFAULT_DATABASE) {
      knownCluster(clusterId);
      state.settle(simulatorNow());
      const found = state.collections(clusterId, dbName);
      if (!found) throw new Error(`cluster ${clusterId} has no database ${dbName}`);
      return found;
    },
    putCollection(clusterId, { dbName = DEFAULT_DATABASE, collectionName, rowCount, loaded }) {
      state.putCollection(clusterId, dbName, { collectionName, rowCount, loaded: loaded ?? true });
    },
    dropCollection(clusterId, collectionName, dbName = DEFAULT_DATABASE) {
      state.dropCollection(clusterId, dbName, collectionName);
    },
    async endpoint(clusterId) {
      const now = simulatorNow();
      const cluster = knownCluster(clusterId);
      if (clusterStatus(state, cluster, now) !== 'RUNNING') return '';
      return (await endpoints.address(clusterId, cluster)).connectAddress;
    },
    close() {
      closed = true;
      closing ??= Promise.all([
        new Promise<void>((resolve, reject) => {
          server.close((err) => (err ? reject(err) : resolve()));
          server.closeAllConnections();
          for (const done of [...delays]) done();
        }),
        endpoints.close(),
      ]).then(() => undefined);
      return closing;
    },
  };
}
