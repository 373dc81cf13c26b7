// The HTTP connection pool, and one request on it.
//
// undici's package entry loads all of undici at once (fetch, WebSocket, caches, mocks, two HTTP
// parsers): most of an action's start-up went there. The action needs three of its modules, so
// it imports those: the Agent, the ProxyAgent, the request and connect APIs, each exactly what
// undici's own entry uses under those names. These paths are not part of undici's public interface,
// so undici's version is pinned in package.json and __tests__/undici-paths.test.ts fails when an
// upgrade moves or changes them.
//
// Every connection speaks HTTP/1.1 (allowH2: false): a control plane asked a few times a minute
// gains nothing from HTTP/2, and leaving undici's HTTP/2 client out of the bundles (see
// scripts/build.ts) spares each start-up loading Node's http2 module.
//
// The proxy follows the Actions toolkit's rules, as runner admins know them from every other
// action: HTTPS_PROXY / https_proxy for https targets, HTTP_PROXY / http_proxy for http ones
// (lower case first, an empty value counts as unset), NO_PROXY / no_proxy (host, domain suffix,
// leading dot, `*`, optional `:port`) to go direct, and loopback always direct. The rules are
// written out below rather than taken from @actions/http-client (which would bring its client
// and all of undici into the bundle) or undici's EnvHttpProxyAgent (whose rules differ on
// loopback and empty values, and which does not say which route it took: the log does).
// undici's ProxyAgent does the tunnelling (CONNECT, Basic credentials from the proxy URL).
import * as core from '@actions/core';
import type { Dispatcher } from 'undici';
import connect from 'undici/lib/api/api-connect.js';
import dispatcherRequest from 'undici/lib/api/api-request.js';
import Agent from 'undici/lib/dispatcher/agent.js';
import DispatcherBase from 'undici/lib/dispatcher/dispatcher.js';
import ProxyAgent from 'undici/lib/dispatcher/proxy-agent.js';
import type { Log } from './log.ts';
import { namedError } from './errors.ts';

// undici's entry gives every dispatcher its API methods this way; the two used here are
// request (ours) and connect (the ProxyAgent's CONNECT to the proxy).
Object.assign(DispatcherBase.prototype, { request: dispatcherRequest, connect });

/** Time to open a connection (TCP and TLS); the whole request has its own, longer limit. */
export const CONNECT_TIMEOUT_MS = 10_000;

export type RequestOptions = Omit<Dispatcher.RequestOptions, 'origin' | 'path'> & {
  dispatcher: Dispatcher;
};

/** undici's `request(url, options)`, on the given dispatcher. */
export function request(
  url: string,
  options: RequestOptions,
): Promise<Dispatcher.ResponseData<unknown>> {
  const { dispatcher, ...rest } = options;
  const target = new URL(url);
  return dispatcher.request({
    ...rest,
    origin: target.origin,
    path: `${target.pathname}${target.search}`,
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

/** The action talks to one origin only, so the route is decided once, here. */
export function createDispatcher(baseUrl: string, log: Log): Dispatcher {
  const target = new URL(baseUrl);
  const proxy = proxyFor(target);
  if (!proxy) return new Agent({ allowH2: false, connect: { timeout: CONNECT_TIMEOUT_MS } });
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
  return new ProxyAgent({
    uri: proxy.url.href,
    connectTimeout: CONNECT_TIMEOUT_MS,
    allowH2: false,
    // HTTP/1.1 to an https:// proxy as well.
    proxyTls: { allowH2: false },
  } as ProxyAgent.Options);
}
