// Which ledger entry a restore takes, or which entries prune protects: a pure choice from the
// entries GitHub listed, so that every rule is tested on its own. The ledger is an index, not the
// truth: an entry counts only when its payload is ours (type and version), for the same cluster
// and API host, created by the Actions bot (anything with deployments: write can create
// deployments), and its current status is success. No order of GitHub's is relied on: entries
// are sorted here, newest first by creation time, then by id.
import { readPayload, type LedgerPayload } from './payload.ts';

/** The bot that makes deployments with a workflow's GITHUB_TOKEN. */
export const ACTIONS_BOT = 'github-actions[bot]';

/** A deployment as listed, with its current status (the newest), when known. */
export interface ListedEntry {
  id: number;
  sha: string;
  createdAt: string;
  creator: string | undefined;
  payload: unknown;
}

export interface Entry {
  id: number;
  sha: string;
  createdAt: string;
  /** The newest status's state, once read; undefined when it has none. */
  state: string | undefined;
  payload: LedgerPayload;
}

export interface Skipped {
  id: number;
  why: string;
}

export interface Sorted {
  /** Ours, for this cluster and host, newest first. */
  entries: Entry[];
  /** Every other entry, and why. */
  skipped: Skipped[];
}

export function newestFirst<T extends { id: number; createdAt: string }>(a: T, b: T): number {
  const at = Date.parse(a.createdAt);
  const bt = Date.parse(b.createdAt);
  if (at !== bt) return (Number.isNaN(bt) ? -Infinity : bt) - (Number.isNaN(at) ? -Infinity : at);
  return b.id - a.id;
}

/** The entries that are ours, for this cluster on this API host, newest first. */
export function sortEntries(
  listed: readonly ListedEntry[],
  wanted: { clusterId: string; apiHost: string },
): Sorted {
  const entries: Entry[] = [];
  const skipped: Skipped[] = [];
  for (const item of listed) {
    if (item.creator !== ACTIONS_BOT) {
      skipped.push({
        id: item.id,
        why: `created by ${item.creator ?? 'an unknown user'}, not ${ACTIONS_BOT}`,
      });
      continue;
    }
    const read = readPayload(item.payload);
    if ('problem' in read) {
      skipped.push({ id: item.id, why: read.problem });
      continue;
    }
    const { payload } = read;
    if (payload.clusterId !== wanted.clusterId) {
      skipped.push({ id: item.id, why: `for cluster ${payload.clusterId}` });
      continue;
    }
    if (payload.apiHost.toLowerCase() !== wanted.apiHost.toLowerCase()) {
      skipped.push({ id: item.id, why: `for API host ${payload.apiHost}` });
      continue;
    }
    if (payload.deploy.sha !== item.sha) {
      skipped.push({ id: item.id, why: 'its payload names another commit than the deployment' });
      continue;
    }
    entries.push({
      id: item.id,
      sha: item.sha,
      createdAt: item.createdAt,
      state: undefined,
      payload,
    });
  }
  entries.sort(newestFirst);
  return { entries, skipped };
}
