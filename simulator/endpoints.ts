// Each cluster's own endpoint: a real HTTP server of its own on an ephemeral loopback port,
// started the first time its address is asked for, and the addresses Describe cluster reports
// for each endpoint mode (see scenario.ts EndpointMode).
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { privateLinkAddress } from './quirks.ts';
import type { ClusterAddress } from './restore.ts';
import type { Cluster } from './scenario.ts';

type Handler = (clusterId: string, req: IncomingMessage, res: ServerResponse) => void;

function listen(server: Server, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, host, () => {
      server.off('error', reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

function stop(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}

export class ClusterEndpoints {
  /** clusterId → its server's URL, once listening. */
  private readonly started = new Map<string, Promise<string>>();
  private readonly servers: Server[] = [];
  /** A loopback port that was listened on once and closed: connecting to it is refused. */
  private closedPort: Promise<number> | undefined;
  private closed = false;

  private readonly host: string;
  private readonly handler: Handler;

  constructor(host: string, handler: Handler) {
    this.host = host;
    this.handler = handler;
  }

  private url(port: number): string {
    return `http://${this.host.includes(':') ? `[${this.host}]` : this.host}:${port}`;
  }

  /** The URL of the cluster's own server, started on first use. */
  serve(clusterId: string): Promise<string> {
    if (this.closed) return Promise.reject(new Error('the simulator is closed'));
    let url = this.started.get(clusterId);
    if (!url) {
      const server = createServer((req, res) => this.handler(clusterId, req, res));
      this.servers.push(server);
      url = listen(server, this.host).then((port) => this.url(port));
      this.started.set(clusterId, url);
    }
    return url;
  }

  /** What Describe cluster reports for the cluster's endpoint (while it is RUNNING). */
  async address(clusterId: string, cluster: Cluster): Promise<ClusterAddress> {
    switch (cluster.endpoint) {
      case 'public':
        return { connectAddress: await this.serve(clusterId), privateLinkAddress: '' };
      case 'privateLinkOnly':
        return {
          connectAddress: '',
          privateLinkAddress: privateLinkAddress(clusterId, cluster.regionId),
        };
      case 'none':
        return { connectAddress: '', privateLinkAddress: '' };
      case 'refused':
        return { connectAddress: this.url(await this.refusedPort()), privateLinkAddress: '' };
    }
  }

  /**
   * Another server's ephemeral port freed at once. Nothing in this simulator listens on it again;
   * another process could, but the kernel picks ephemeral ports at random over ~28,000, so a test
   * sees a refusal.
   */
  private refusedPort(): Promise<number> {
    this.closedPort ??= (async () => {
      const probe = createServer();
      const port = await listen(probe, this.host);
      await stop(probe);
      return port;
    })();
    return this.closedPort;
  }

  async close(): Promise<void> {
    this.closed = true;
    await Promise.allSettled(this.started.values());
    await Promise.all(this.servers.map(stop));
  }
}
