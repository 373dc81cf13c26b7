// Keep-alive over a wait: checks a second apart share one connection; and when a server or load
// balancer closes an idle connection between two checks, the next check opens a new one without
// an error or a retry. A front in front of the simulator counts connections and, when asked,
// closes a connection 100 ms after it relayed a reply that says the job is still running: the
// next request on it is then the next check, about a second later. It never closes one under a
// request, nor between two requests that follow each other at once (the create after the list,
// Describe backup after the last check), however long a busy machine makes either side take:
// the action would rightly retry then. A process would have to stall some 800 ms to send its
// next check on a connection it had not yet seen closed.
import { once } from 'node:events';
import net from 'node:net';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { expectExit, runBundled } from './helpers/children.ts';
import { DEFAULT_CLUSTER_ID, startSimulator, type Simulator } from '../simulator/server.ts';
import { relay } from './helpers/fronts.ts';

let sim: Simulator;
let front: net.Server;
let connections = 0;
let closedIdle = 0;
let idleCloseMs: number | undefined;

beforeAll(async () => {
  sim = await startSimulator({ scenario: { jobDurationMs: 3_000 } });
  const target = new URL(sim.url);
  front = net.createServer((socket) => {
    connections++;
    const upstream = relay(socket, target);
    const closeAfter = idleCloseMs;
    if (closeAfter === undefined) return;
    let idle: NodeJS.Timeout | undefined;
    let reply = '';
    upstream.on('data', (chunk: Buffer) => {
      reply += chunk.toString();
      if (!/"status":"(PENDING|IN_PROGRESS)"/.test(reply)) return;
      clearTimeout(idle);
      idle = setTimeout(() => {
        closedIdle++;
        socket.destroy();
      }, closeAfter);
    });
    socket.on('data', () => {
      clearTimeout(idle);
      reply = '';
    });
    socket.on('close', () => clearTimeout(idle));
  });
  front.listen(0, '127.0.0.1');
  await once(front, 'listening');
});

afterAll(async () => {
  front.close();
  await sim.close();
});

async function backUp(): Promise<Awaited<ReturnType<typeof runBundled>>> {
  connections = 0;
  closedIdle = 0;
  const port = (front.address() as net.AddressInfo).port;
  return runBundled({
    'api-key': sim.apiKey,
    'cluster-id': DEFAULT_CLUSTER_ID,
    'base-url': `http://127.0.0.1:${port}`,
    timeout: '1m',
  });
}

it('keeps its connection from one check to the next', async () => {
  idleCloseMs = undefined;
  const before = sim.requests.length;
  const result = await backUp();
  expectExit(result, 0);
  expect(result.outputs.status).toBe('SUCCESSFUL');
  // List, Create, four or five Describe job, Describe backup, one after the other: all of them
  // on one connection.
  expect(sim.requests.length - before).toBeGreaterThanOrEqual(6);
  expect(connections).toBe(1);
});

it('opens a new connection when the server closed the idle one, without an error or retry', async () => {
  idleCloseMs = 100;
  const result = await backUp();
  expect(result.stderr).toBe('');
  expectExit(result, 0);
  expect(result.outputs.status).toBe('SUCCESSFUL');
  expect(result.stdout).not.toMatch(/retry \d/);
  expect(closedIdle).toBeGreaterThan(1);
  expect(connections).toBeGreaterThan(2);
});
