// The bundled action behind a real forward proxy (the `proxy` package, in its own process), as a
// self-hosted runner behind a corporate proxy runs it. The API is served over TLS as
// https://api.zilliz.test:<port>: a TLS front with a throwaway certificate (trusted through
// NODE_EXTRA_CA_CERTS, as a corporate CA would be) in front of the simulator. Only the proxy
// process can resolve zilliz.test (to 127.0.0.1), so a run that succeeds without that help went
// through the proxy. Everything listens on 127.0.0.1.
import { once } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import tls from 'node:tls';
import { pathToFileURL } from 'node:url';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { expectExit, runBundled, startScript, type TimedRun } from './helpers/children.ts';
import { BUSY_MS } from './helpers/timing.ts';
import { DEFAULT_CLUSTER_ID, startSimulator, type Simulator } from '../simulator/server.ts';
import { relay, testCertificate } from './helpers/fronts.ts';
import { TEST_DOMAIN } from './helpers/test-dns.ts';

const API_HOST = `api.${TEST_DOMAIN}`;
/** An https:// proxy's name: the certificate covers it too. */
const PROXY_HOST = `proxy.${TEST_DOMAIN}`;
const PROXY_SCRIPT = join(import.meta.dirname, 'helpers', 'forward-proxy.ts');
const DNS_HOOK = pathToFileURL(join(import.meta.dirname, 'helpers', 'test-dns.ts')).href;

interface ProxyEntry {
  method: string;
  target: string;
  authorized: boolean;
}

interface ForwardProxy {
  url: string;
  /** Every request the proxy received; complete once stop() has resolved. */
  seen: ProxyEntry[];
  stop: () => Promise<void>;
}

/** Starts the proxy process; with credentials ("user:password") it demands Basic auth. */
async function startProxy(credentials?: string): Promise<ForwardProxy> {
  const child = startScript(PROXY_SCRIPT, [], {
    env: {
      PATH: process.env.PATH ?? '',
      ...(credentials ? { PROXY_CREDENTIALS: credentials } : {}),
    },
  });
  const seen: ProxyEntry[] = [];
  const port = await new Promise<number>((resolve, reject) => {
    createInterface({ input: child.process.stdout }).on('line', (line) => {
      const message = JSON.parse(line) as { port?: number } & ProxyEntry;
      if (message.port !== undefined) resolve(message.port);
      else seen.push(message);
    });
    child.exited.then(
      (output) => reject(new Error(`the proxy exited early (code ${output.code})`)),
      reject,
    );
  });
  return {
    url: `http://127.0.0.1:${port}`,
    seen,
    stop: async () => {
      if (child.process.exitCode === null && child.process.signalCode === null) {
        child.process.kill();
      }
      await child.exited;
    },
  };
}

interface TlsFront {
  port: number;
  /** TLS connections accepted so far. */
  connections: () => number;
  close: () => Promise<void>;
}

/** Terminates TLS for API_HOST and passes the bytes on to the simulator. */
async function startTlsFront(pems: { key: string; cert: string }, target: URL): Promise<TlsFront> {
  let connections = 0;
  const sockets = new Set<net.Socket>();
  const server = tls.createServer(pems, (socket) => {
    connections++;
    const upstream = relay(socket, target);
    for (const end of [socket, upstream]) {
      sockets.add(end);
      end.on('close', () => sockets.delete(end));
    }
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    port: (server.address() as net.AddressInfo).port,
    connections: () => connections,
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

let dir: string;
let certFile: string;
let pems: { key: string; cert: string };
let sim: Simulator;
let front: TlsFront;
let proxy: ForwardProxy | undefined;

beforeAll(async () => {
  pems = await testCertificate([API_HOST, PROXY_HOST]);
  dir = mkdtempSync(join(tmpdir(), 'zilliz-proxy-test-'));
  certFile = join(dir, 'ca.pem');
  writeFileSync(certFile, pems.cert);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

beforeEach(async () => {
  sim = await startSimulator({ scenario: { jobDurationMs: 600 } });
  front = await startTlsFront(pems, new URL(sim.url));
});
afterEach(async () => {
  await proxy?.stop();
  proxy = undefined;
  await front.close();
  await sim.close();
});

const apiUrl = (): string => `https://${API_HOST}:${front.port}`;

async function backUp(baseUrl: string, env: Record<string, string>): Promise<TimedRun> {
  return runBundled(
    { 'api-key': sim.apiKey, 'cluster-id': DEFAULT_CLUSTER_ID, 'base-url': baseUrl, timeout: '1m' },
    { env: { NODE_EXTRA_CA_CERTS: certFile, ...env } },
  );
}

function expectBackedUp(result: TimedRun): void {
  expect(result.stderr).toBe('');
  expectExit(result, 0);
  expect(result.outputs.status).toBe('SUCCESSFUL');
  expect(result.outputs.backupId).toBe(sim.backups()[0]?.backupId);
}

/** The proxy saw at least one request, and each was an authorized CONNECT to the API. */
function expectOnlyAuthorizedTunnels(seenBy: ForwardProxy): void {
  expect(seenBy.seen.length).toBeGreaterThan(0);
  for (const entry of seenBy.seen) {
    expect(entry).toEqual({
      method: 'CONNECT',
      target: `${API_HOST}:${front.port}`,
      authorized: true,
    });
  }
}

/** stdout without the ::add-mask:: lines the runner hides. */
const visible = (result: TimedRun): string => result.stdout.replace(/^::add-mask::.*$/gm, '');

describe('behind a forward proxy', () => {
  it('tunnels every request through HTTPS_PROXY with CONNECT, using the credentials in its URL', async () => {
    proxy = await startProxy('backup bot:p@ss:word');
    const proxyUrl = proxy.url.replace('//', '//backup%20bot:p%40ss%3Aword@');
    const result = await backUp(apiUrl(), {
      HTTPS_PROXY: proxyUrl,
      NO_PROXY: 'example.com,.internal',
    });
    await proxy.stop();

    expectBackedUp(result);
    expectOnlyAuthorizedTunnels(proxy);
    // Every connection that reached the API came out of one of those tunnels.
    expect(front.connections()).toBe(proxy.seen.length);
    expect(sim.requests.length).toBeGreaterThanOrEqual(3);
    for (const request of sim.requests) {
      expect(request.headers).not.toHaveProperty('proxy-authorization');
    }
    expect(result.stdout).toContain(
      `Connecting to ${apiUrl()} through the proxy ${proxy.url} (HTTPS_PROXY)`,
    );
    expect(visible(result)).not.toMatch(/p@ss|p%40ss|word/);
  });

  it('reaches an https:// proxy over TLS, and tunnels through it', async () => {
    proxy = await startProxy('bot:secret');
    const proxyFront = await startTlsFront(pems, new URL(proxy.url));
    try {
      const result = await backUp(apiUrl(), {
        HTTPS_PROXY: `https://bot:secret@${PROXY_HOST}:${proxyFront.port}`,
        // The action has to resolve the proxy's name itself.
        NODE_OPTIONS: `--import=${DNS_HOOK}`,
      });
      await proxy.stop();

      expectBackedUp(result);
      expectOnlyAuthorizedTunnels(proxy);
      // Every tunnel came in over TLS.
      expect(proxyFront.connections()).toBe(proxy.seen.length);
    } finally {
      await proxyFront.close();
    }
  });

  it('honours the lower-case https_proxy, before HTTPS_PROXY', async () => {
    proxy = await startProxy();
    const result = await backUp(apiUrl(), {
      https_proxy: proxy.url,
      HTTPS_PROXY: 'http://127.0.0.1:9',
    });
    await proxy.stop();

    expectBackedUp(result);
    expect(proxy.seen.length).toBeGreaterThan(0);
    expect(result.stdout).toContain(`through the proxy ${proxy.url} (https_proxy)`);
  });

  it('fails at once, quoting the proxy, when the proxy refuses the credentials', async () => {
    proxy = await startProxy('backup-bot:right');
    const result = await backUp(apiUrl(), {
      HTTPS_PROXY: proxy.url.replace('//', '//backup-bot:wrong@'),
    });
    await proxy.stop();

    expectExit(result, 1);
    expect(result.stdout).toMatch(
      /::error::.*Failed to establish tunnel .*407 Proxy Authentication Required/,
    );
    // At once, from the step's start (its first output): retrying the refusal would go on to
    // the 1 m timeout.
    expect(result.sinceFirstOutputMs).toBeLessThan(BUSY_MS);
    expect(proxy.seen[0]).toMatchObject({ method: 'CONNECT', authorized: false });
    expect(sim.requests).toHaveLength(0);
    expect(visible(result)).not.toContain('wrong');
  });

  it.each([
    [
      'NO_PROXY',
      'a domain suffix with the port',
      (port: number) => `example.com, ${TEST_DOMAIN}:${port}`,
    ],
    ['NO_PROXY', 'the exact host', () => `${API_HOST}`],
    ['no_proxy', '*', () => '*'],
  ])('goes direct when %s names %s', async (variable, _what, value) => {
    proxy = await startProxy();
    const result = await backUp(apiUrl(), {
      HTTPS_PROXY: proxy.url,
      HTTP_PROXY: proxy.url,
      [variable]: value(front.port),
      // Going direct, the action has to resolve api.zilliz.test itself.
      NODE_OPTIONS: `--import=${DNS_HOOK}`,
    });
    await proxy.stop();

    expectBackedUp(result);
    expect(proxy.seen).toEqual([]);
    expect(front.connections()).toBeGreaterThan(0);
    expect(result.stdout).not.toContain('through the proxy');
  });

  it('never sends a loopback base-url to the proxy (http://127.0.0.1 here)', async () => {
    proxy = await startProxy();
    const result = await backUp(sim.url, { HTTPS_PROXY: proxy.url, HTTP_PROXY: proxy.url });
    await proxy.stop();

    expectBackedUp(result);
    expect(proxy.seen).toEqual([]);
    expect(result.stdout).not.toContain('through the proxy');
  });
});
