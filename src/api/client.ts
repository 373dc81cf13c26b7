// The client the actions use: the transport with the endpoints on top, one method each.
import {
  createBackup,
  deleteBackup,
  describeBackup,
  listBackups,
  type BackupInfo,
  type CreateBackupBody,
  type CreatedBackup,
  type DeletedBackup,
} from './backups.ts';
import { describeCluster, listClusters, type ClusterInfo } from './clusters.ts';
import { describeJob, type Job } from './jobs.ts';
import {
  restoreCluster,
  restoreCollection,
  type ClusterRestore,
  type CollectionRestore,
  type RestoredCluster,
  type StartedRestore,
} from './restores.ts';
import type { ActionRun, BaseSettings } from '../core/action.ts';
import { Transport } from './transport.ts';
import { USER_AGENT } from './user-agent.ts';

export type { ClientOptions } from './transport.ts';

export class ZillizClient extends Transport {
  createBackup(clusterId: string, body: CreateBackupBody): Promise<CreatedBackup> {
    return createBackup(this, clusterId, body);
  }

  describeBackup(clusterId: string, backupId: string): Promise<BackupInfo> {
    return describeBackup(this, clusterId, backupId);
  }

  listBackups(clusterId: string, creationMethod?: 'MANUAL' | 'AUTO'): Promise<BackupInfo[]> {
    return listBackups(this, clusterId, creationMethod);
  }

  deleteBackup(clusterId: string, backupId: string): Promise<DeletedBackup> {
    return deleteBackup(this, clusterId, backupId);
  }

  describeJob(jobId: string): Promise<Job> {
    return describeJob(this, jobId);
  }

  restoreCollection(
    clusterId: string,
    backupId: string,
    restore: CollectionRestore,
  ): Promise<StartedRestore> {
    return restoreCollection(this, clusterId, backupId, restore);
  }

  restoreCluster(
    clusterId: string,
    backupId: string,
    restore: ClusterRestore,
  ): Promise<RestoredCluster> {
    return restoreCluster(this, clusterId, backupId, restore);
  }

  listClusters(): Promise<ClusterInfo[]> {
    return listClusters(this);
  }

  describeCluster(clusterId: string): Promise<ClusterInfo> {
    return describeCluster(this, clusterId);
  }
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
  return new ZillizClient({
    baseUrl: settings.baseUrl,
    apiKey: settings.apiKey,
    deadline,
    log,
    http,
    userAgent: USER_AGENT,
    requestTimeoutMs,
  });
}
