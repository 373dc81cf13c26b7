// The bundled action behind a real forward proxy (the `proxy` package, in its own process), as a
// self-hosted runner behind a corporate proxy runs it. The API is served over TLS as
// https://api.zilliz.test:<port>: a TLS front with a throwaway certificate (trusted through
// NODE_EXTRA_CA_CERTS, as a corporate CA would be) in front of the simulator. Only the proxy
// process can resolve zilliz.test (to 127.0.0.1), so a run that succeeds without that help went
// through the proxy. Everything listens on 127.0.0.1.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { expectExit, runBundled, type TimedRun } from './helpers/children.ts';
import { BUSY_MS } from './helpers/timing.ts';
import { DEFAULT_CLUSTER_ID, startSimulator, type Simulator } from '../simulator/server.ts';
import { testCertificate } from './helpers/fronts.ts';
import {
  API_HOST,
  credentialForms,
  DNS_HOOK,
  expectNoCredential,
  expectOnlyAuthorizedTunnels,
  PROXY_HOST,
  startProxy,
  startTlsFront,
  visible,
  type ForwardProxy,
  type TlsFront,
} from './helpers/proxies.ts';
import { nodeRelease, OLDEST_NODE_24 } from './helpers/node-releases.ts';
import { TEST_DOMAIN } from './helpers/test-dns.ts';

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

async function backUp(
  baseUrl: string,
  env: Record<string, string>,
  node?: string,
): Promise<TimedRun> {
  return runBundled(
    { 'api-key': sim.apiKey, 'cluster-id': DEFAULT_CLUSTER_ID, 'base-url': baseUrl, timeout: '1m' },
    { env: { NODE_EXTRA_CA_CERTS: certFile, ...env }, node },
  );
}

function expectBackedUp(result: TimedRun): void {
  expect(result.stderr).toBe('');
  expectExit(result, 0);
  expect(result.outputs.status).toBe('SUCCESSFUL');
  expect(result.outputs.backupId).toBe(sim.backups()[0]?.backupId);
}

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
    expectOnlyAuthorizedTunnels(proxy, front.port);
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
      expectOnlyAuthorizedTunnels(proxy, front.port);
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
      /::error::.*the proxy refused the tunnel to the API with HTTP 407 \(Proxy Authentication Required\) \[PROXY_REFUSED\]/,
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

// A proxy password of three characters is too short for the runner to mask (masking it would
// blank out ordinary words all over the log), so nothing may ever print it. Node's own proxy
// support put `user:password@proxy` into the text of a 407 on some Node 24 releases, and ignored
// the proxy on others: these run on the oldest Node 24 and on the project's own (the newest).
const USER = 'bot';
const PASSWORD = 'z;]';
const WRONG_PASSWORD = 'k|^';
describe.each([
  { name: `Node ${OLDEST_NODE_24}`, node: () => nodeRelease(OLDEST_NODE_24) },
  { name: `Node ${process.versions.node}`, node: async () => process.execPath },
])('with a three-character proxy password, on $name', ({ node }) => {
  let binary: string;
  // Installing a Node release from the npm registry takes a few seconds, once.
  beforeAll(async () => void (binary = await node()), 300_000);

  const proxyUrl = (password: string): string =>
    (proxy as ForwardProxy).url.replace('//', `//${USER}:${encodeURIComponent(password)}@`);

  it('backs up through the proxy, and no credential is printed or written', async () => {
    proxy = await startProxy(`${USER}:${PASSWORD}`);
    const result = await backUp(apiUrl(), { HTTPS_PROXY: proxyUrl(PASSWORD) }, binary);
    await proxy.stop();

    expectBackedUp(result);
    expectOnlyAuthorizedTunnels(proxy, front.port);
    expect(result.stdout).toContain(`through the proxy ${proxy.url} (HTTPS_PROXY)`);
    expectNoCredential(result, credentialForms(USER, PASSWORD));
  });

  it('fails at once on a 407, and no credential is printed or written', async () => {
    proxy = await startProxy(`${USER}:${PASSWORD}`);
    const result = await backUp(apiUrl(), { HTTPS_PROXY: proxyUrl(WRONG_PASSWORD) }, binary);
    await proxy.stop();

    expectExit(result, 1);
    expect(result.stdout).toMatch(/::error::.*HTTP 407 \(Proxy Authentication Required\)/);
    expect(proxy.seen).toEqual([
      { method: 'CONNECT', target: `${API_HOST}:${front.port}`, authorized: false },
    ]);
    expect(sim.requests).toHaveLength(0);
    expectNoCredential(result, [
      ...credentialForms(USER, WRONG_PASSWORD),
      ...credentialForms(USER, PASSWORD),
    ]);
  });
});
