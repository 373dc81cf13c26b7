// Restore endpoints: restore a collection backup (one collection per call) and restore a cluster
// backup (always into a new cluster). Each body is built here, in one place, and the contested
// points of the public reference are decided here:
// - Restore collection: the OpenAPI source names the fields `destClusterId`, `destDbName`,
//   `destCollectionName`, `destCollectionStatus`; one rendering of the English reference says
//   `target*` instead. We send the `dest*` names (the source of the reference).
// - Restore cluster: the current reference says `projectId`, an older guide `targetProjectId`.
//   We send `projectId`. Its reply carries `jobId` in the current reference only: optional here.
// Neither request is repeated here: the caller must first find out whether it worked.
import { MalformedReplyError } from './errors.ts';
import { requireId } from './ids.ts';
import { optionalName, optionalText } from './reply.ts';
import type { Transport } from './transport.ts';

export interface CollectionRestore {
  destClusterId: string;
  dbName: string;
  destDbName: string;
  collectionName: string;
  destCollectionName: string;
  /** LOADED (true) or UNLOADED (false) once restored. */
  load: boolean;
}

export interface ClusterRestore {
  projectId: string;
  clusterName: string;
  cuSize: number;
  collectionStatus: 'KEEP' | 'RELEASE';
}

export interface StartedRestore {
  jobId: string;
  requestId: string | undefined;
}

export interface RestoredCluster {
  clusterId: string;
  username: string | undefined;
  /** The new cluster's db_admin password: shown once, never to be printed. */
  password: string | undefined;
  jobId: string | undefined;
  requestId: string | undefined;
}

const backupPath = (clusterId: string, backupId: string): string =>
  `/v2/clusters/${encodeURIComponent(clusterId)}/backups/${encodeURIComponent(backupId)}`;

export function restoreCollectionBody(restore: CollectionRestore): Record<string, unknown> {
  return {
    destClusterId: restore.destClusterId,
    dbCollections: [
      {
        dbName: restore.dbName,
        destDbName: restore.destDbName,
        collections: [
          {
            collectionName: restore.collectionName,
            destCollectionName: restore.destCollectionName,
            destCollectionStatus: restore.load ? 'LOADED' : 'UNLOADED',
          },
        ],
      },
    ],
  };
}

export function restoreClusterBody(restore: ClusterRestore): Record<string, unknown> {
  return {
    projectId: restore.projectId,
    clusterName: restore.clusterName,
    cuSize: restore.cuSize,
    collectionStatus: restore.collectionStatus,
  };
}

export interface RestoreEndpoints {
  /** One attempt: starts a RESTORE job for one collection. */
  collection(
    clusterId: string,
    backupId: string,
    restore: CollectionRestore,
  ): Promise<StartedRestore>;
  /**
   * One attempt: creates a new cluster from a cluster backup. The db_admin password is handed to
   * `keepPassword` as soon as the reply arrives, before anything else is read of it: a reply
   * whose ids cannot be used still gives the password of the cluster it made.
   */
  cluster(
    clusterId: string,
    backupId: string,
    restore: ClusterRestore,
    keepPassword: (password: string) => void,
  ): Promise<RestoredCluster>;
}

export function restoreEndpoints(transport: Transport): RestoreEndpoints {
  return {
    async collection(clusterId, backupId, restore) {
      const label = `POST /v2/clusters/${clusterId}/backups/${backupId}/restoreCollection`;
      const reply = await transport.send(
        'POST',
        `${backupPath(clusterId, backupId)}/restoreCollection`,
        label,
        restoreCollectionBody(restore),
      );
      return { jobId: requireId(reply, 'jobId', label), requestId: reply.requestId };
    },

    async cluster(clusterId, backupId, restore, keepPassword) {
      const label = `POST /v2/clusters/${clusterId}/backups/${backupId}/restoreCluster`;
      const reply = await transport.send(
        'POST',
        `${backupPath(clusterId, backupId)}/restoreCluster`,
        label,
        restoreClusterBody(restore),
      );
      const { password } = reply.data;
      if (password !== undefined && typeof password !== 'string') {
        // Never quote the value: it is a secret whatever its type.
        throw new MalformedReplyError(
          label,
          'reply field "password" is not a string',
          reply.requestId,
          false,
        );
      }
      if (password) keepPassword(password);
      return {
        clusterId: requireId(reply, 'clusterId', label),
        username: optionalName(reply.data.username),
        password: password || undefined,
        // Optional: an older guide's reply had none.
        jobId: optionalText(reply.data.jobId) ? requireId(reply, 'jobId', label) : undefined,
        requestId: reply.requestId,
      };
    },
  };
}
