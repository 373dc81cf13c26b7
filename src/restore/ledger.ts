// A restore named by the deploy ledger (`from` and `ledger`): the entry is found before anything
// else happens and said in the log, and it completes the settings (the backup id, and as defaults
// the database and collections it records). The ledger is an index, not the truth: Zilliz Cloud
// then has the last word (see checkAgainstEntry in workflow.ts).
import type { Entry } from '../ledger/choose.ts';
import {
  ledgerQuery,
  LedgerError,
  openLedger,
  readFailure,
  resolveRef,
  successfulEntries,
  type LedgerRun,
} from '../ledger/ledger.ts';
import { LAST_SUCCESSFUL, type Settings } from './settings.ts';

/** What a restore from the ledger needs of the token. */
const NEEDED = ['contents: read', 'deployments: read'];

/** The entry `from` names, newest first among the successful ones. */
export async function chooseEntry(settings: Settings, run: LedgerRun): Promise<Entry> {
  const from = settings.from as string;
  const query = ledgerQuery(settings.ledger as string, settings);
  try {
    const reader = await openLedger(query, run);
    const sha =
      from === LAST_SUCCESSFUL
        ? undefined
        : /^[0-9a-f]{40}$/.test(from)
          ? from
          : await resolveRef(reader, from);
    if (sha && sha !== from) run.log.info(`From the deploy ledger: ${from} is commit ${sha}.`);
    const { chosen, passed, skipped } = await successfulEntries(reader, 1, sha);
    const entry = chosen[0];
    if (!entry) {
      const seen = [
        passed.length > 0
          ? `${passed.length} of this cluster without a successful final status (${passed
              .slice(0, 5)
              .map((e) => `${e.id}: ${e.state ?? 'no status'}`)
              .join(', ')})`
          : '',
        skipped.length > 0
          ? `${skipped.length} passed over (${skipped
              .slice(0, 5)
              .map((s) => `${s.id}: ${s.why}`)
              .join('; ')})`
          : '',
      ].filter(Boolean);
      throw new LedgerError(
        `the deploy ledger ${reader.environment} has no successful entry ${sha ? `for ${from === sha ? sha : `${from} (${sha})`} ` : ''}for cluster ${settings.clusterId} on ${query.apiHost}` +
          (seen.length > 0 ? `: ${seen.join('; ')}` : ': it has no entries of this action'),
      );
    }
    const p = entry.payload;
    run.log.info(
      `From the deploy ledger: deployment ${entry.id} in ${reader.environment} (commit ${entry.sha}, ${entry.createdAt}, success) ` +
        `names backup ${p.backupName ? `${p.backupName} (${p.backupId})` : p.backupId}, a ${p.backupType.toLowerCase()} backup of cluster ${p.clusterId}` +
        (p.database
          ? ` (database ${p.database}: ${(p.collections ?? []).map((c) => c.name).join(', ')})`
          : '') +
        (p.run.url ? `, made by ${p.run.url}` : '') +
        '. Zilliz Cloud is asked next whether it is still there.',
    );
    return entry;
  } catch (error) {
    throw readFailure(error, NEEDED);
  }
}

/** The settings completed by the entry: its backup, and its database and collections as defaults. */
export function settingsFromEntry(settings: Settings, entry: Entry): Settings {
  const p = entry.payload;
  return {
    ...settings,
    backupId: p.backupId,
    database: settings.database ?? p.database,
    collections:
      settings.collections.length > 0
        ? settings.collections
        : (p.collections ?? []).map((c) => c.name),
  };
}
