// The client the actions use: one transport, and the endpoints on top of it, grouped as the API
// reference groups them (client.backups.list, client.jobs.waitForEnd …).
import type { ActionRun, BaseSettings } from '../core/action.ts';
import { backupEndpoints, type BackupEndpoints } from './backups.ts';
import { clusterEndpoints, type ClusterEndpoints } from './clusters.ts';
import { jobEndpoints, type JobEndpoints } from './jobs.ts';
import { OnCluster, type VerifyMode } from './on-cluster.ts';
import { restoreEndpoints, type RestoreEndpoints } from './restores.ts';
import { Transport, type TransportOptions } from './transport.ts';
import { USER_AGENT } from './user-agent.ts';

export interface ZillizClient {
  transport: Transport;
  backups: BackupEndpoints;
  jobs: JobEndpoints;
  restores: RestoreEndpoints;
  clusters: ClusterEndpoints;
}

export function createClient(options: TransportOptions): ZillizClient {
  const transport = new Transport(options);
  return {
    transport,
    backups: backupEndpoints(transport),
    jobs: jobEndpoints(transport),
    restores: restoreEndpoints(transport),
    clusters: clusterEndpoints(transport),
  };
}

/** The client of one action run: its base URL and key, deadline, log and connection pool. */
export function clientForRun(
  {
    settings,
    deadline,
    log,
    http,
  }: Pick<ActionRun<BaseSettings>, 'settings' | 'deadline' | 'log' | 'http'>,
  requestTimeoutMs?: number,
): ZillizClient {
  return createClient({
    baseUrl: settings.baseUrl,
    token: settings.apiKey,
    deadline,
    log,
    http,
    userAgent: USER_AGENT,
    requestTimeoutMs,
  });
}

/** The checks on clusters' own endpoints of one action run, under its verify input. */
function onClusterForRun(
  {
    settings,
    deadline,
    log,
    openHttp,
  }: Pick<
    ActionRun<BaseSettings & { verify: VerifyMode }>,
    'settings' | 'deadline' | 'log' | 'openHttp'
  >,
  client: ZillizClient,
): OnCluster {
  return new OnCluster({
    mode: settings.verify,
    log,
    deadline,
    clusters: client.clusters,
    openHttp,
    userAgent: USER_AGENT,
  });
}

/**
 * Runs `work` with the run's client and its checks on the cluster, then closes the connections
 * the checks opened, whichever way the work ends.
 */
export async function withClient<S extends BaseSettings & { verify: VerifyMode }>(
  run: ActionRun<S>,
  requestTimeoutMs: number | undefined,
  work: (client: ZillizClient, onCluster: OnCluster) => Promise<void>,
): Promise<void> {
  const client = clientForRun(run, requestTimeoutMs);
  const onCluster = onClusterForRun(run, client);
  try {
    await work(client, onCluster);
  } finally {
    onCluster.close();
  }
}
