// The HTTP connection pool. The proxy is chosen by the Actions toolkit's own rules
// (@actions/http-client's getProxyUrl, already in the bundle through @actions/core), so
// self-hosted runners behind a corporate proxy need nothing new: HTTPS_PROXY / https_proxy for
// https targets, HTTP_PROXY / http_proxy for http ones, NO_PROXY / no_proxy (host, domain
// suffix, `*`, optional `:port`) to go direct, and loopback always direct. undici's ProxyAgent
// does the tunnelling (CONNECT, Basic credentials from the proxy URL).
import * as core from '@actions/core';
import { getProxyUrl } from '@actions/http-client/lib/proxy';
import { Agent, ProxyAgent, type Dispatcher } from 'undici';
import type { Log } from './log.ts';

/** Time to open a connection (TCP and TLS); the whole request has its own, longer limit. */
export const CONNECT_TIMEOUT_MS = 10_000;

export interface ProxyChoice {
  url: URL;
  /** The environment variable it came from, for the log. */
  variable: string;
}

/** An unusable proxy setting: reported as the step's failure, never silently ignored. */
export class ProxyConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ProxyConfigError';
  }
}

/** The proxy for requests to `target`, or undefined to connect directly. */
export function proxyFor(target: URL): ProxyChoice | undefined {
  const url = getProxyUrl(target);
  if (!url) return undefined;
  const [lower, upper] =
    target.protocol === 'https:' ? ['https_proxy', 'HTTPS_PROXY'] : ['http_proxy', 'HTTP_PROXY'];
  const variable = process.env[lower] ? lower : upper;
  if (url.protocol === 'http:' || url.protocol === 'https:') return { url, variable };
  // `proxy.corp:3128` parses as a URL whose scheme is "proxy.corp:": it means http://.
  const raw = process.env[variable] ?? '';
  if (!raw.includes('://')) {
    try {
      return { url: new URL(`http://${raw}`), variable };
    } catch {
      // reported below
    }
  }
  throw new ProxyConfigError(
    `${variable} must be an http:// or https:// proxy URL (e.g. http://proxy.example.com:3128)`,
  );
}

/** The action talks to one origin only, so the route is decided once, here. */
export function createDispatcher(baseUrl: string, log: Log): Dispatcher {
  const target = new URL(baseUrl);
  const proxy = proxyFor(target);
  if (!proxy) return new Agent({ connect: { timeout: CONNECT_TIMEOUT_MS } });
  // getProxyUrl's URL returns decoded credentials; mask the password however it is spelled
  // (it is never printed, this is a second line of defence). Not a very short one: masking
  // "ab" would blank out ordinary words all over the log.
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
  } as ProxyAgent.Options);
}
