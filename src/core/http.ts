// The HTTP connections to the API, and one request on them: undici, the HTTP client of the
// Actions toolkit (the one copy in each bundle is the one @actions/core's HTTP client uses too).
//
// undici gives the keep-alive pool (Agent), the tunnel through a proxy (ProxyAgent: CONNECT,
// then TLS end to end with the API), the connect timeout and the body size limit; every
// connection speaks HTTP/1.1 and says so in TLS (ALPN), even to servers that would rather speak
// HTTP/2. The whole request has its own limit, the transport's abort signal.
//
// The route is the toolkit's, as runner admins know it from every other action: its HTTP client
// (@actions/http-client, which @actions/core depends on) decides whether `NO_PROXY` / `no_proxy`
// or loopback sends a request direct, and which of `https_proxy` / `HTTPS_PROXY` (`http_proxy` /
// `HTTP_PROXY` for http) to use. The log says which.
import * as core from '@actions/core';
import { checkBypass, getProxyUrl } from '@actions/http-client/lib/proxy';
import { Agent, ProxyAgent, request, type Dispatcher } from 'undici';
import type { Log } from './log.ts';
import { namedError } from './errors.ts';

/** Time to open a connection (TCP, TLS, proxy tunnel); the whole request has its own limit. */
export const CONNECT_TIMEOUT_MS = 10_000;

/** The error code of a connection that did not open within CONNECT_TIMEOUT_MS (undici's). */
export const CONNECT_TIMEOUT = 'UND_ERR_CONNECT_TIMEOUT';

/** Far above any real reply (a page of 100 backups is ~40 KB); a larger body is not read on. */
export const MAX_BODY_BYTES = 4 * 1024 * 1024;

/** The error code of a reply whose body is larger than MAX_BODY_BYTES (undici's). */
export const BODY_TOO_LARGE = 'UND_ERR_RES_EXCEEDED_MAX_SIZE';

/** The error code of a proxy that answered the tunnel's CONNECT with anything but 200. */
export const PROXY_REFUSED = 'PROXY_REFUSED';

export interface RequestOptions {
  method: string;
  headers: Record<string, string>;
  body?: string;
  /** Aborts the request, and the reading of its reply. */
  signal: AbortSignal;
}

export interface Response {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  /** The body (undici's, a Readable), to be read to its end or destroyed. */
  body: Dispatcher.ResponseData['body'];
}

/** Keep-alive connections to the one origin an action talks to. */
export interface HttpClient {
  request(url: string, options: RequestOptions): Promise<Response>;
  /** Closes every connection, in use or not. */
  destroy(): void;
}

/** An unusable proxy setting: reported as the step's failure, never silently ignored. */
export class ProxyConfigError extends namedError('ProxyConfigError') {}

class ProxyRefusedError extends Error {
  readonly code = PROXY_REFUSED;
  constructor(status: string) {
    super(
      `the proxy refused the tunnel to the API with HTTP ${status}` +
        (status === '407' ? ' (Proxy Authentication Required)' : ''),
    );
  }
}

/** How undici's ProxyAgent reports a CONNECT answered with another status than 200. */
const TUNNEL_REFUSED = /^Proxy response \((\d{3})\) !== 200 when HTTP Tunneling$/;

/** One request on `dispatcher`: resolves when the reply's head has arrived. */
async function send(
  dispatcher: Dispatcher,
  url: string,
  options: RequestOptions,
): Promise<Response> {
  // undici frees a connection one turn of the event loop after its reply has ended (a
  // setImmediate); a request sent in between, as the next one of a run often is, would open a
  // second connection (and a second TLS handshake). One turn's wait lets it reuse the first.
  await new Promise((resolve) => setImmediate(resolve));
  try {
    const reply = await request(url, {
      dispatcher,
      method: options.method as Dispatcher.HttpMethod,
      headers: options.headers,
      body: options.body,
      signal: options.signal,
    });
    return { status: reply.statusCode, headers: reply.headers, body: reply.body };
  } catch (error) {
    const refused = TUNNEL_REFUSED.exec((error as Error | undefined)?.message ?? '');
    if (refused?.[1]) throw new ProxyRefusedError(refused[1]);
    throw error;
  }
}

/** `spelled`, with its user name and password read decoded (as the toolkit reads a proxy URL). */
function decoded(spelled: string): URL {
  const url = new URL(spelled);
  return Object.defineProperties(url, {
    username: { value: decodeURIComponent(url.username) },
    password: { value: decodeURIComponent(url.password) },
  });
}

export interface ProxyChoice {
  /** The proxy, with its user name and password read decoded, as the proxy receives them. */
  url: URL;
  /** The environment variable it came from, for the log. */
  variable: string;
}

/** The proxy for requests to `target` by the toolkit's rules, or undefined to go direct. */
export function proxyFor(target: URL): ProxyChoice | undefined {
  // The toolkit's order: lower case first, an empty value counts as unset.
  const names =
    target.protocol === 'https:' ? ['https_proxy', 'HTTPS_PROXY'] : ['http_proxy', 'HTTP_PROXY'];
  const variable = names.find((name) => process.env[name]);
  if (!variable || checkBypass(target)) return undefined;
  const raw = process.env[variable] as string;
  let url: URL | undefined;
  try {
    url = getProxyUrl(target);
    // A value without a scheme is, to the toolkit, a scheme of its own ("proxy.corp:3128" reads
    // as "proxy.corp:"); it means http://, as curl and the README take it.
    if (url && !/^https?:$/.test(url.protocol) && !raw.includes('://')) {
      url = decoded(`http://${raw}`);
    }
  } catch {
    url = undefined;
  }
  if (url && /^https?:$/.test(url.protocol) && url.hostname) return { url, variable };
  throw new ProxyConfigError(
    `${variable} must be an http:// or https:// proxy URL (e.g. http://proxy.example.com:3128)`,
  );
}

/** The action talks to one origin only, so the route is decided once, here. */
export function createHttpClient(
  baseUrl: string,
  log: Log,
  connectTimeoutMs = CONNECT_TIMEOUT_MS,
): HttpClient {
  const target = new URL(baseUrl);
  const proxy = proxyFor(target);
  const common = { allowH2: false, maxResponseSize: MAX_BODY_BYTES };
  let dispatcher: Dispatcher;
  if (!proxy) {
    dispatcher = new Agent({ ...common, connect: { timeout: connectTimeoutMs } });
  } else {
    const { username, password } = proxy.url;
    // The runner masks the password wherever it would appear (nothing prints it; this is a
    // second line of defence). Not a very short one: masking "ab" would blank out ordinary words
    // all over the job's log.
    if (password.length >= 4) {
      core.setSecret(password);
      if (encodeURIComponent(password) !== password) core.setSecret(encodeURIComponent(password));
    }
    log.info(
      `Connecting to ${target.origin} through the proxy ${proxy.url.origin} (${proxy.variable})`,
    );
    dispatcher = new ProxyAgent({
      ...common,
      // undici is given the proxy's origin only, so that no error of its can quote a password;
      // the credentials go to the proxy alone, in Proxy-Authorization.
      uri: proxy.url.origin,
      ...(username || password
        ? { token: `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}` }
        : {}),
      proxyTls: { timeout: connectTimeoutMs },
      requestTls: { timeout: connectTimeoutMs },
    });
  }
  return {
    request: (url, options) => send(dispatcher, url, options),
    destroy: () => void dispatcher.destroy().catch(() => undefined),
  };
}
