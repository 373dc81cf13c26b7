// Delete backup: DELETE /v2/clusters/{clusterId}/backups/{backupId} → {backupId, backupName}.
// What the docs leave open (CREATING, automatic, unknown or already deleted backups) is decided
// in quirks.ts.
import { fail, ok, type ApiReply } from './handlers.ts';
import { ERR } from './quirks.ts';
import type { SimState } from './state.ts';

export function deleteBackup(
  state: SimState,
  clusterId: string,
  backupId: string,
  now: number,
): ApiReply {
  const cluster = state.cluster(clusterId);
  if (!cluster) return fail(ERR.unknownCluster);
  if (cluster.plan !== 'Dedicated') return fail(ERR.serverless);
  const backup = state.backup(clusterId, backupId, now);
  if (!backup || backup.status === 'DELETED') return fail(ERR.unknownBackup(backupId));
  if (backup.creationMethod === 'AUTO') return fail(ERR.deleteAuto(backupId));
  if (backup.status === 'CREATING') return fail(ERR.deleteCreating(backupId));
  state.markDeleted(clusterId, backupId, now);
  return ok({ backupId: backup.backupId, backupName: backup.backupName });
}
