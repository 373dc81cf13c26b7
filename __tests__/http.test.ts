// Which requests go through a proxy (the Actions toolkit's rules, as runner admins know them),
// and the connect timeout of the HTTP client.
import { once } from 'node:events';
import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { NetworkError } from '../src/api/errors.ts';
import { CONNECT_TIMEOUT, createHttpClient, proxyFor } from '../src/core/http.ts';
import { testLog } from './helpers/client.ts';
import { setEnv } from './helpers/env.ts';
import { BUSY_MS } from './helpers/timing.ts';

const VARIABLES = [
  'https_proxy',
  'HTTPS_PROXY',
  'http_proxy',
  'HTTP_PROXY',
  'no_proxy',
  'NO_PROXY',
];
let restore = (): void => undefined;
afterEach(() => restore());

/** Sets exactly these proxy variables (the others empty) and asks which proxy `url` gets. */
function proxyOf(url: string, env: Record<string, string>): string | undefined {
  restore = setEnv({ ...Object.fromEntries(VARIABLES.map((name) => [name, ''])), ...env });
  const choice = proxyFor(new URL(url));
  return choice && `${choice.url.origin} (${choice.variable})`;
}

const API = 'https://api.cloud.zilliz.com';
const PROXY = 'http://proxy.corp.example:3128';

describe('proxyFor', () => {
  it.each([
    ['no variables', API, {}, undefined],
    ['HTTPS_PROXY', API, { HTTPS_PROXY: PROXY }, `${PROXY} (HTTPS_PROXY)`],
    [
      'https_proxy before HTTPS_PROXY',
      API,
      { https_proxy: PROXY, HTTPS_PROXY: 'http://other:1' },
      `${PROXY} (https_proxy)`,
    ],
    ['HTTP_PROXY is not used for https', API, { HTTP_PROXY: PROXY }, undefined],
    [
      'HTTP_PROXY for http',
      'http://api.example.com',
      { HTTP_PROXY: PROXY },
      `${PROXY} (HTTP_PROXY)`,
    ],
    [
      'a proxy without a scheme is http',
      API,
      { HTTPS_PROXY: 'proxy.corp.example:3128' },
      `${PROXY} (HTTPS_PROXY)`,
    ],
    [
      'NO_PROXY exact host',
      API,
      { HTTPS_PROXY: PROXY, NO_PROXY: 'api.cloud.zilliz.com' },
      undefined,
    ],
    [
      'NO_PROXY domain suffix',
      API,
      { HTTPS_PROXY: PROXY, NO_PROXY: 'example.org, zilliz.com' },
      undefined,
    ],
    ['NO_PROXY leading dot', API, { HTTPS_PROXY: PROXY, NO_PROXY: '.zilliz.com' }, undefined],
    [
      'NO_PROXY partial label does not match',
      API,
      { HTTPS_PROXY: PROXY, NO_PROXY: 'illiz.com' },
      `${PROXY} (HTTPS_PROXY)`,
    ],
    [
      'NO_PROXY with the right port',
      API,
      { HTTPS_PROXY: PROXY, NO_PROXY: 'zilliz.com:443' },
      undefined,
    ],
    [
      'NO_PROXY with another port',
      API,
      { HTTPS_PROXY: PROXY, NO_PROXY: 'zilliz.com:8443' },
      `${PROXY} (HTTPS_PROXY)`,
    ],
    ['no_proxy *', API, { HTTPS_PROXY: PROXY, no_proxy: '*' }, undefined],
    ['loopback always direct', 'http://127.0.0.1:8080', { HTTP_PROXY: PROXY }, undefined],
    ['localhost always direct', 'http://localhost:8080', { HTTP_PROXY: PROXY }, undefined],
    ['[::1] always direct', 'http://[::1]:8080', { HTTP_PROXY: PROXY }, undefined],
  ])('%s', (_case, url, env, expected) => {
    expect(proxyOf(url, env)).toBe(expected);
  });

  it('refuses a proxy that is not http:// or https://, naming the variable', () => {
    expect(() => proxyOf(API, { HTTPS_PROXY: 'socks5://proxy.corp.example:1080' })).toThrow(
      'HTTPS_PROXY must be an http:// or https:// proxy URL',
    );
  });

  it('refuses a proxy URL that does not parse, where the toolkit alone would go direct', () => {
    expect(() => proxyOf(API, { HTTPS_PROXY: 'http://[proxy.corp.example:3128' })).toThrow(
      'HTTPS_PROXY must be an http:// or https:// proxy URL',
    );
  });

  it('keeps the credentials, decoded, for the proxy to receive', () => {
    restore = setEnv({
      https_proxy: '',
      HTTPS_PROXY: 'http://bot:p%40ss@proxy.corp.example:3128',
      NO_PROXY: '',
      no_proxy: '',
    });
    const choice = proxyFor(new URL(API));
    expect(choice?.url.username).toBe('bot');
    expect(choice?.url.password).toBe('p@ss');
  });
});

describe('createHttpClient', () => {
  const quiet = testLog([]);
  let server: net.Server | undefined;
  afterEach(() => server?.close());

  /** A server that accepts connections and never says a word (a black-holed TLS endpoint). */
  async function silentServer(): Promise<string> {
    const sockets: net.Socket[] = [];
    server = net.createServer((socket) => sockets.push(socket));
    server.on('close', () => sockets.forEach((socket) => socket.destroy()));
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    return `https://127.0.0.1:${(server.address() as net.AddressInfo).port}`;
  }

  it('gives up on a connection that does not open in time, as never sent', async () => {
    const url = await silentServer();
    const http = createHttpClient(url, quiet, 200);
    const started = performance.now();
    const error = await http
      .request(`${url}/v2/jobs/job-1`, {
        method: 'GET',
        headers: {},
        signal: AbortSignal.timeout(5_000),
      })
      .catch((e: unknown) => e);
    http.destroy();
    expect(error).toMatchObject({ code: CONNECT_TIMEOUT, message: /timeout: 200ms/ });
    // undici's connect timer ticks about every half second, so 200 ms end within about 1.2 s;
    // with the busy-machine margin that still comes before the request's own 5 s limit.
    expect(performance.now() - started).toBeLessThan(1_200 + BUSY_MS);
    // The transport's view of it: safe to repeat, even for a create.
    const wrapped = new NetworkError('POST /v2/clusters/x/backups/create', CONNECT_TIMEOUT, '');
    expect(wrapped.transient).toBe(true);
    expect(wrapped.outcome).toBe('not-processed');
  });

  it('lets the request limit, not the connect timeout, end a connected request', async () => {
    // The server accepts and stays silent after TLS would have started: over plain http the
    // connection is open at once, so only the request's own signal ends the wait.
    // A connect timeout of 1 s: on a busy machine the connection's 'connect' event can wait
    // a few hundred ms behind a due timer, and that is not what this is about.
    const url = (await silentServer()).replace('https:', 'http:');
    const http = createHttpClient(url, quiet, 1_000);
    const error = await http
      .request(`${url}/v2/jobs/job-1`, {
        method: 'GET',
        headers: {},
        signal: AbortSignal.timeout(2_000),
      })
      .catch((e: unknown) => e);
    http.destroy();
    // The request's own signal (AbortSignal.timeout) ended it, not a connect timeout.
    expect(error).toMatchObject({ name: 'TimeoutError' });
  });
});
