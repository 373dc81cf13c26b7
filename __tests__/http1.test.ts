// Every connection speaks HTTP/1.1 and says so (src/core/http.ts), even to a server that would
// rather speak HTTP/2: here a TLS front offering h2 first (as many load balancers do), trusted
// through NODE_EXTRA_CA_CERTS, in front of the simulator. A client that offered h2 would get it,
// and one that offered nothing would leave the choice unsaid.
import { once } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import tls from 'node:tls';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { expectExit, runBundled } from './helpers/children.ts';
import { DEFAULT_CLUSTER_ID, startSimulator, type Simulator } from '../simulator/server.ts';
import { relay, testCertificate } from './helpers/fronts.ts';
import { TEST_DOMAIN } from './helpers/test-dns.ts';

const API_HOST = `api.${TEST_DOMAIN}`;
const DNS_HOOK = pathToFileURL(join(import.meta.dirname, 'helpers', 'test-dns.ts')).href;

let dir: string;
let sim: Simulator;
let server: tls.Server;
const negotiated: (string | false | null)[] = [];

beforeAll(async () => {
  const pems = await testCertificate([API_HOST]);
  dir = mkdtempSync(join(tmpdir(), 'zilliz-http1-test-'));
  writeFileSync(join(dir, 'ca.pem'), pems.cert);
  sim = await startSimulator({ scenario: { jobDurationMs: 300 } });
  const target = new URL(sim.url);
  server = tls.createServer({ ...pems, ALPNProtocols: ['h2', 'http/1.1'] }, (socket) => {
    negotiated.push(socket.alpnProtocol);
    relay(socket, target);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
});

afterAll(async () => {
  server.close();
  await sim.close();
  rmSync(dir, { recursive: true, force: true });
});

it('speaks HTTP/1.1 to a server that offers HTTP/2 first', async () => {
  const port = (server.address() as net.AddressInfo).port;
  const result = await runBundled(
    {
      'api-key': sim.apiKey,
      'cluster-id': DEFAULT_CLUSTER_ID,
      'base-url': `https://${API_HOST}:${port}`,
      timeout: '1m',
    },
    {
      env: {
        NODE_EXTRA_CA_CERTS: join(dir, 'ca.pem'),
        NODE_OPTIONS: `--import=${DNS_HOOK}`,
      },
    },
  );
  expect(result.stderr).toBe('');
  expectExit(result, 0);
  expect(result.outputs.status).toBe('SUCCESSFUL');
  expect(negotiated.length).toBeGreaterThan(0);
  expect(new Set(negotiated)).toEqual(new Set(['http/1.1']));
});
