// The HTTP connection pool, proxy-aware the way the Actions toolkit's own HTTP client
// (@actions/http-client) is, so that self-hosted runners behind a corporate proxy need nothing
// new: HTTPS_PROXY / https_proxy for https:// targets, HTTP_PROXY / http_proxy for http://
// ones (an https:// target never falls back to HTTP_PROXY), NO_PROXY / no_proxy to go direct
// (host, domain suffix, `*`, optional `:port`), and loopback targets always direct: a proxy can
// never reach the runner's own loopback interface. The proxying itself is undici's ProxyAgent
// (CONNECT tunnels for https, with Basic credentials taken from the proxy URL).
import { isIPv4 } from 'node:net';
import * as core from '@actions/core';
import { Agent, Dispatcher, ProxyAgent } from 'undici';

/** Time to open a connection (TCP and TLS); the whole request has its own, longer limit. */
export const CONNECT_TIMEOUT_MS = 10_000;

export type Env = Record<string, string | undefined>;

export interface ProxyChoice {
  /** The proxy, normalised (a bare host:port gets http://). */
  url: URL;
  /** The environment variable it came from, e.g. HTTPS_PROXY. */
  variable: string;
}

/** An unusable proxy setting, reported on the first request instead of being ignored. */
export class ProxyConfigError extends Error {
  readonly code = 'ERR_PROXY_CONFIG';
  constructor(message: string) {
    super(message);
    this.name = 'ProxyConfigError';
  }
}

/** The first variable that is set and not empty, lower case first (as the toolkit reads them). */
function firstSet(env: Env, names: string[]): { name: string; value: string } | undefined {
  for (const name of names) {
    const value = env[name]?.trim();
    if (value) return { name, value };
  }
  return undefined;
}

/** localhost, 127.0.0.0/8 and ::1: never sent to a proxy. */
export function isLoopback(hostname: string): boolean {
  const host = hostname
    .toLowerCase()
    .replace(/^\[(.*)\]$/, '$1')
    .replace(/\.$/, '');
  return (
    host === 'localhost' ||
    (isIPv4(host) && host.startsWith('127.')) ||
    host === '::1' ||
    host === '0:0:0:0:0:0:0:1'
  );
}

function defaultPort(url: URL): number {
  if (url.port) return Number(url.port);
  return url.protocol === 'https:' ? 443 : 80;
}

/**
 * Whether NO_PROXY lets `target` go direct. Entries are separated by commas (or spaces) and
 * matched case-insensitively: `*` matches every host; `example.com`, `.example.com` and
 * `*.example.com` match that domain's subdomains (the first two also the domain itself); an IP
 * address matches itself; `host:port` (`[::1]:443` for IPv6) only that port.
 */
export function matchesNoProxy(target: URL, noProxy: string): boolean {
  const host = target.hostname
    .toLowerCase()
    .replace(/^\[(.*)\]$/, '$1')
    .replace(/\.$/, '');
  const port = defaultPort(target);
  for (const raw of noProxy.split(/[,\s]+/)) {
    const entry = raw.trim().toLowerCase();
    if (!entry) continue;
    const match = /^\[(.+)\](?::(\d+))?$/.exec(entry) ?? /^([^:]+)(?::(\d+))?$/.exec(entry);
    // A bare IPv6 address (several colons, no brackets) has no port.
    const [name, entryPort] = match ? [match[1] ?? '', match[2]] : [entry, undefined];
    if (entryPort !== undefined && Number(entryPort) !== port) continue;
    if (name === '*') return true;
    const domain = name.replace(/^\*?\./, '').replace(/\.$/, '');
    if (!domain) continue;
    if (host === domain && !name.startsWith('*')) return true;
    if (host.endsWith(`.${domain}`)) return true;
  }
  return false;
}

/** `proxy.corp:3128` → `http://proxy.corp:3128`; only http:// and https:// proxies are used. */
function parseProxyUrl(variable: string, value: string): URL {
  const text = /^[a-z][a-z0-9+.-]*:\/\//i.test(value) ? value : `http://${value}`;
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new ProxyConfigError(
      `${variable} is not a proxy URL (expected e.g. http://proxy.example.com:3128)`,
    );
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new ProxyConfigError(
      `${variable} uses ${url.protocol}// but only http:// and https:// proxies are supported`,
    );
  }
  return url;
}

/**
 * The proxy for a request to `target`, or undefined to connect directly. Throws
 * ProxyConfigError when the variable that applies holds something that is not a proxy URL.
 */
export function proxyFor(target: URL, env: Env = process.env): ProxyChoice | undefined {
  if (isLoopback(target.hostname)) return undefined;
  const noProxy = firstSet(env, ['no_proxy', 'NO_PROXY']);
  if (noProxy && matchesNoProxy(target, noProxy.value)) return undefined;
  const setting =
    target.protocol === 'https:'
      ? firstSet(env, ['https_proxy', 'HTTPS_PROXY'])
      : firstSet(env, ['http_proxy', 'HTTP_PROXY']);
  if (!setting) return undefined;
  return { url: parseProxyUrl(setting.name, setting.value), variable: setting.name };
}

/** The proxy as it may be shown in a log: no credentials, no path. */
export function describeProxy(url: URL): string {
  return `${url.protocol}//${url.host}`;
}

/**
 * Sends each request directly or through the proxy that applies to its origin (decided once per
 * origin). Proxy credentials are masked before the proxy is first named in the log.
 */
class ProxyRoutingDispatcher extends Dispatcher {
  readonly #env: Env;
  readonly #direct: Agent;
  readonly #proxies = new Map<string, ProxyAgent>();
  readonly #routes = new Map<string, Dispatcher | ProxyConfigError>();

  constructor(env: Env) {
    super();
    this.#env = env;
    this.#direct = new Agent({ connect: { timeout: CONNECT_TIMEOUT_MS } });
  }

  #route(origin: string): Dispatcher | ProxyConfigError {
    const known = this.#routes.get(origin);
    if (known) return known;
    let route: Dispatcher | ProxyConfigError;
    try {
      const choice = proxyFor(new URL(origin), this.#env);
      route = choice ? this.#proxy(choice, origin) : this.#direct;
    } catch (error) {
      if (!(error instanceof ProxyConfigError)) throw error;
      route = error;
    }
    this.#routes.set(origin, route);
    return route;
  }

  #proxy(choice: ProxyChoice, origin: string): ProxyAgent {
    const key = choice.url.href;
    let agent = this.#proxies.get(key);
    if (!agent) {
      for (const secret of [choice.url.password, decodeURIComponent(choice.url.password)]) {
        if (secret) core.setSecret(secret);
      }
      // connectTimeout bounds the TCP connection to the proxy and the TLS handshake through it.
      const options: ProxyAgent.Options & { connectTimeout: number } = {
        uri: key,
        connectTimeout: CONNECT_TIMEOUT_MS,
      };
      agent = new ProxyAgent(options);
      this.#proxies.set(key, agent);
    }
    core.info(
      `Connecting to ${origin} through the proxy ${describeProxy(choice.url)} (${choice.variable})`,
    );
    return agent;
  }

  #all(): Dispatcher[] {
    return [this.#direct, ...this.#proxies.values()];
  }

  override dispatch(
    options: Dispatcher.DispatchOptions,
    handler: Dispatcher.DispatchHandler,
  ): boolean {
    const route = this.#route(String(options.origin));
    if (route instanceof ProxyConfigError) throw route;
    return route.dispatch(options, handler);
  }

  override close(): Promise<void>;
  override close(callback: () => void): void;
  override close(callback?: () => void): Promise<void> | void {
    const done = Promise.all(this.#all().map((d) => d.close())).then(() => undefined);
    if (!callback) return done;
    void done.then(callback, callback);
  }

  override destroy(): Promise<void>;
  override destroy(err: Error | null): Promise<void>;
  override destroy(callback: () => void): void;
  override destroy(err: Error | null, callback: () => void): void;
  override destroy(
    errOrCallback?: Error | null | (() => void),
    callback?: () => void,
  ): Promise<void> | void {
    const err = typeof errOrCallback === 'function' ? null : (errOrCallback ?? null);
    const then = typeof errOrCallback === 'function' ? errOrCallback : callback;
    const done = Promise.all(this.#all().map((d) => d.destroy(err))).then(() => undefined);
    if (!then) return done;
    void done.then(then, then);
  }
}

/** The connection pool for the API, honouring the runner's proxy variables (read once, now). */
export function createDispatcher(env: Env = process.env): Dispatcher {
  return new ProxyRoutingDispatcher({ ...env });
}
