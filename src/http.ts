// The HTTP connection pool. EnvHttpProxyAgent routes requests through HTTPS_PROXY/HTTP_PROXY
// unless NO_PROXY matches the host, as self-hosted runners behind corporate proxies expect.
import { EnvHttpProxyAgent, type Dispatcher } from 'undici';

/** Time to open a connection (TCP and TLS); the whole request has its own, longer limit. */
export const CONNECT_TIMEOUT_MS = 10_000;

export function createDispatcher(): Dispatcher {
  return new EnvHttpProxyAgent({ connect: { timeout: CONNECT_TIMEOUT_MS } });
}
