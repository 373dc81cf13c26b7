// What the backup action writes to the deploy ledger: the entry's payload, made from the settings
// and what the workflow learnt, and the final status mapped from the action's own status.
import { PAYLOAD_TYPE, PAYLOAD_VERSION, type LedgerPayload } from '../ledger/payload.ts';
import type { FinalState } from '../ledger/ledger.ts';
import type { Settings } from './settings.ts';
import type { BackupRecord, FinalStatus } from './workflow.ts';
import { DEFAULT_DATABASE } from '../api/ids.ts';

/** The payload of this backup's entry (the deploy and run parts are the ledger's). */
export function entryPayload(
  settings: Settings,
  record: BackupRecord,
): Omit<LedgerPayload, 'deploy' | 'run'> {
  return {
    type: PAYLOAD_TYPE,
    version: PAYLOAD_VERSION,
    backupId: record.backupId as string,
    ...(record.backupName ? { backupName: record.backupName } : {}),
    ...(record.jobId ? { jobId: record.jobId } : {}),
    clusterId: settings.clusterId,
    apiHost: new URL(settings.baseUrl).host,
    backupType: settings.backupType,
    ...(settings.backupType === 'COLLECTION'
      ? {
          database: settings.database ?? DEFAULT_DATABASE,
          collections: settings.collections.map((name) => ({ name })),
        }
      : {}),
    createdAt: new Date().toISOString(),
  };
}

/**
 * The entry's final status for the action's status: success only for a usable backup; failure
 * when Zilliz Cloud says it failed or was cancelled; error when its fate is not known. A backup
 * not waited for (STARTED) stays in_progress: it was never seen to succeed.
 */
export function ledgerState(
  status: FinalStatus | undefined,
): { state: FinalState; text: string } | undefined {
  switch (status) {
    case 'SUCCESSFUL':
      return { state: 'success', text: 'AVAILABLE: the backup succeeded' };
    case 'FAILED':
    case 'CANCELED':
      return { state: 'failure', text: `the backup ${status}` };
    case 'TIMED_OUT':
    case 'UNKNOWN':
      return { state: 'error', text: `the backup is ${status}: its outcome is not known` };
    default:
      return undefined;
  }
}
