// What the proxy tests put around the simulator: a real forward proxy (the `proxy` package, in
// its own process, see forward-proxy.ts) and a TLS front with a throwaway certificate that serves
// the API as https://api.zilliz.test:<port>. Only the proxy process resolves zilliz.test (to
// 127.0.0.1), so a run that reaches the API without that help went through the proxy.
import { once } from 'node:events';
import net from 'node:net';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import tls from 'node:tls';
import { pathToFileURL } from 'node:url';
import { expect } from 'vitest';
import type { BundledRun } from '../../scripts/runner.ts';
import { startScript } from './children.ts';
import { relay } from './fronts.ts';
import { TEST_DOMAIN } from './test-dns.ts';

export const API_HOST = `api.${TEST_DOMAIN}`;
/** An https:// proxy's name: the test certificate covers it too. */
export const PROXY_HOST = `proxy.${TEST_DOMAIN}`;
/** NODE_OPTIONS=--import=… this, for a process that must resolve zilliz.test itself. */
export const DNS_HOOK = pathToFileURL(join(import.meta.dirname, 'test-dns.ts')).href;
const PROXY_SCRIPT = join(import.meta.dirname, 'forward-proxy.ts');

export interface ProxyEntry {
  method: string;
  target: string;
  authorized: boolean;
}

export interface ForwardProxy {
  url: string;
  /** Every request the proxy received; complete once stop() has resolved. */
  seen: ProxyEntry[];
  stop: () => Promise<void>;
}

/** Starts the proxy process; with credentials ("user:password") it demands Basic auth. */
export async function startProxy(credentials?: string): Promise<ForwardProxy> {
  // Through startScript: its output is shown when the test fails.
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

export interface TlsFront {
  port: number;
  /** TLS connections accepted so far. */
  connections: () => number;
  close: () => Promise<void>;
}

/** Terminates TLS (for API_HOST and PROXY_HOST) and passes the bytes on to `target`. */
export async function startTlsFront(
  pems: { key: string; cert: string },
  target: URL,
): Promise<TlsFront> {
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

/** The proxy saw at least one request, and each was an authorized CONNECT to `apiPort`. */
export function expectOnlyAuthorizedTunnels(seenBy: ForwardProxy, apiPort: number): void {
  expect(seenBy.seen.length).toBeGreaterThan(0);
  for (const entry of seenBy.seen) {
    expect(entry).toEqual({
      method: 'CONNECT',
      target: `${API_HOST}:${apiPort}`,
      authorized: true,
    });
  }
}

/** stdout without the ::add-mask:: lines the runner hides. */
export const visible = (result: BundledRun): string =>
  result.stdout.replace(/^::add-mask::.*$/gm, '');

/**
 * Every way a proxy's user name and password could be written out: as given, percent-encoded,
 * in a URL's userinfo, and as the Basic token sent to the proxy.
 */
export function credentialForms(user: string, password: string): string[] {
  const encoded = `${encodeURIComponent(user)}:${encodeURIComponent(password)}`;
  return [
    password,
    encodeURIComponent(password),
    `${user}:${password}`,
    encoded,
    Buffer.from(`${user}:${password}`).toString('base64'),
  ];
}

/** None of `forms` in anything the run printed (masks included) or wrote. */
export function expectNoCredential(result: BundledRun, forms: string[]): void {
  const written = [
    result.stdout,
    result.stderr,
    result.summary,
    JSON.stringify(result.outputs),
  ].join('\n');
  for (const form of forms) expect(written).not.toContain(form);
}
