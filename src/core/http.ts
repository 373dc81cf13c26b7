// The HTTP connections to the API, and one request on them: Node's own http and https modules.
//
// An action asks a control plane a few questions a minute, so its HTTP client matters less for
// speed than for what it costs to load: every run pays that before its first request. Node's
// client is already part of Node (HTTP/1.1, parsed natively, keep-alive through an Agent);
// undici, which this used before, added about 20 ms to every start (see docs/benchmarks.md).
//
// Node's http module is loaded with require(), not import: importing a built-in makes Node read
// every export of it, and node:http has lazy WebSocket exports that load Node's internal copy
// of undici (about 25 ms) when read. The https module (and with it TLS, about 10 ms) is loaded
// only for an https:// base-url.
//
// The proxy follows the Actions toolkit's rules, as runner admins know them from every other
// action: HTTPS_PROXY / https_proxy for https targets, HTTP_PROXY / http_proxy for http ones
// (lower case first, an empty value counts as unset), NO_PROXY / no_proxy (host, domain suffix,
// leading dot, `*`, optional `:port`) to go direct, and loopback always direct. The rules are
// written out below, so that the log can say which route was taken; Node's Agent does the
// proxying once told which proxy to use (`proxyEnv`, Node 24.5 and later): a CONNECT tunnel
// for https targets, Basic credentials from the proxy URL.
import * as core from '@actions/core';
import type { Agent, IncomingHttpHeaders, IncomingMessage } from 'node:http';
import { createRequire } from 'node:module';
import type { Log } from './log.ts';
import { namedError } from './errors.ts';

const require = createRequire(import.meta.url);
type NodeClient = typeof import('node:http') | typeof import('node:https');

/** Time to open a connection (TCP, TLS, proxy tunnel); the whole request has its own limit. */
export const CONNECT_TIMEOUT_MS = 10_000;

/** The error code of a connection that did not open within CONNECT_TIMEOUT_MS. */
export const CONNECT_TIMEOUT = 'CONNECT_TIMEOUT';

export interface RequestOptions {
  method: string;
  headers: Record<string, string>;
  body?: string;
  /** Aborts the request, and the reading of its reply. */
  signal: AbortSignal;
}

export interface Response {
  status: number;
  headers: IncomingHttpHeaders;
  /** The body, to be read to its end or destroyed. */
  body: IncomingMessage;
}

/** Keep-alive connections to the one origin an action talks to. */
export interface HttpClient {
  request(url: string, options: RequestOptions): Promise<Response>;
  /** Closes every connection, in use or not. */
  destroy(): void;
}

class ConnectTimeoutError extends Error {
  readonly code = CONNECT_TIMEOUT;
  constructor(ms: number) {
    super(`no connection within ${ms / 1000} s`);
  }
}

/** One request on `agent`: resolves when the reply's head has arrived. */
function send(
  client: NodeClient,
  agent: Agent,
  connectTimeoutMs: number,
  url: string,
  options: RequestOptions,
): Promise<Response> {
  const target = new URL(url);
  return new Promise((resolve, reject) => {
    const req = client.request(target, {
      agent,
      method: options.method,
      headers: options.headers,
      signal: options.signal,
    });
    req.once('error', reject);
    req.once('response', (body: IncomingMessage) =>
      resolve({ status: body.statusCode ?? 0, headers: body.headers, body }),
    );
    req.once('socket', (socket) => {
      // A reused connection is open already; a new one gets CONNECT_TIMEOUT_MS to be ready.
      const ready = target.protocol === 'https:' ? 'secureConnect' : 'connect';
      if (!socket.connecting && (target.protocol !== 'https:' || !socket.pending)) return;
      const timer = setTimeout(
        () => req.destroy(new ConnectTimeoutError(connectTimeoutMs)),
        connectTimeoutMs,
      );
      const clear = (): void => clearTimeout(timer);
      socket.once(ready, clear);
      req.once('close', clear);
    });
    req.end(options.body);
  });
}

/** The proxy URL, with its user name and password read decoded, as the proxy receives them. */
function proxyUrl(spelled: string): URL {
  const url = new URL(spelled);
  return Object.defineProperties(url, {
    username: { value: decodeURIComponent(url.username) },
    password: { value: decodeURIComponent(url.password) },
  });
}

export interface ProxyChoice {
  url: URL;
  /** The environment variable it came from, for the log. */
  variable: string;
}

/** An unusable proxy setting: reported as the step's failure, never silently ignored. */
export class ProxyConfigError extends namedError('ProxyConfigError') {}

function isLoopback(hostname: string): boolean {
  const host = hostname.toLowerCase();
  return host === 'localhost' || host.startsWith('127.') || host === '[::1]';
}

/** Whether NO_PROXY / no_proxy sends requests to `target` direct. */
function bypassesProxy(target: URL): boolean {
  const noProxy = process.env.no_proxy || process.env.NO_PROXY || '';
  const host = target.hostname.toLowerCase();
  const port = target.port || (target.protocol === 'https:' ? '443' : '80');
  return noProxy
    .split(',')
    .map((entry) => entry.trim().toLowerCase())
    .filter((entry) => entry)
    .some((entry) => {
      if (entry === '*') return true;
      // "zilliz.com:443" only for that port; ".zilliz.com" and "zilliz.com" both cover subdomains.
      const [name = '', entryPort] = entry.split(/:(?=\d+$)/);
      if (entryPort !== undefined && entryPort !== port) return false;
      const suffix = name.startsWith('.') ? name : `.${name}`;
      return host === name || host.endsWith(suffix);
    });
}

/** The proxy for requests to `target`, or undefined to connect directly. */
export function proxyFor(target: URL): ProxyChoice | undefined {
  if (isLoopback(target.hostname) || bypassesProxy(target)) return undefined;
  const names =
    target.protocol === 'https:' ? ['https_proxy', 'HTTPS_PROXY'] : ['http_proxy', 'HTTP_PROXY'];
  const variable = names.find((name) => process.env[name]);
  if (!variable) return undefined;
  const raw = process.env[variable] as string;
  // `proxy.corp:3128` means http://proxy.corp:3128.
  const spelled = /^[a-z][a-z0-9+.-]*:\/\//i.test(raw) ? raw : `http://${raw}`;
  let url: URL | undefined;
  try {
    url = proxyUrl(spelled);
  } catch {
    // reported below
  }
  if (url && (url.protocol === 'http:' || url.protocol === 'https:')) return { url, variable };
  throw new ProxyConfigError(
    `${variable} must be an http:// or https:// proxy URL (e.g. http://proxy.example.com:3128)`,
  );
}

/** Node's Agent proxies from Node 24.5 on; an older Node would silently connect directly. */
export function checkProxySupport(version = process.versions.node): void {
  const [major = 0, minor = 0] = version.split('.').map(Number);
  if (major > 24 || (major === 24 && minor >= 5)) return;
  throw new ProxyConfigError(`a proxy needs Node.js 24.5 or later, and this runner has ${version}`);
}

/** The action talks to one origin only, so the route is decided once, here. */
export function createHttpClient(
  baseUrl: string,
  log: Log,
  connectTimeoutMs = CONNECT_TIMEOUT_MS,
): HttpClient {
  const target = new URL(baseUrl);
  const proxy = proxyFor(target);
  const client = (
    target.protocol === 'https:' ? require('node:https') : require('node:http')
  ) as NodeClient;
  const options = {
    keepAlive: true,
    // Never the environment's own proxy settings: the route is the one decided above.
    proxyEnv: {} as Record<string, string>,
    // Said outright to TLS servers that would rather speak HTTP/2 (many load balancers).
    ALPNProtocols: ['http/1.1'],
  };
  if (proxy) {
    checkProxySupport();
    // Mask the password however it is spelled (it is never printed, this is a second line of
    // defence). Not a very short one: masking "ab" would blank out ordinary words all over the log.
    const password = proxy.url.password;
    if (password.length >= 4) {
      core.setSecret(password);
      core.setSecret(encodeURIComponent(password));
    }
    log.info(
      `Connecting to ${target.origin} through the proxy ${proxy.url.protocol}//${proxy.url.host} (${proxy.variable})`,
    );
    const variable = target.protocol === 'https:' ? 'HTTPS_PROXY' : 'HTTP_PROXY';
    options.proxyEnv = { [variable]: proxy.url.href };
  }
  const agent = new client.Agent(options);
  return {
    request: (url, requestOptions) => send(client, agent, connectTimeoutMs, url, requestOptions),
    destroy: () => agent.destroy(),
  };
}
