// A real forward proxy, run in its own process by the proxy tests: the `proxy` package (HTTP
// requests in absolute form and CONNECT tunnels, as Squid serves them), listening on 127.0.0.1.
// With PROXY_CREDENTIALS=user:password it demands Basic authentication (407 otherwise). It
// prints one JSON line when listening ({"port"}) and one per request it receives
// ({"method", "target", "authorized"}).
//   node __tests__/helpers/forward-proxy.ts
import type { IncomingMessage } from 'node:http';
import { createProxy } from 'proxy';
import './test-dns.ts';

const credentials = process.env.PROXY_CREDENTIALS;
const expected = credentials ? `Basic ${Buffer.from(credentials).toString('base64')}` : undefined;
const authorized = (req: IncomingMessage): boolean =>
  expected === undefined || req.headers['proxy-authorization'] === expected;

const server = createProxy();
server.authenticate = (req) => authorized(req);
const record = (req: IncomingMessage): void => {
  console.log(JSON.stringify({ method: req.method, target: req.url, authorized: authorized(req) }));
};
server.on('connect', record);
server.on('request', record);
server.listen(0, '127.0.0.1', () => {
  const address = server.address();
  console.log(JSON.stringify({ port: typeof address === 'object' && address ? address.port : 0 }));
});
