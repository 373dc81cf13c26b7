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
import { describeJob, type Job } from './jobs.ts';
import { Transport } from './transport.ts';

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
}
