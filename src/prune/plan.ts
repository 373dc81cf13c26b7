// What to delete, decided from the whole list at once, as a pure function: nothing here talks to
// the server, so every rule of the prune action is tested on its own (__tests__/prune-plan).
//
// The rules, in order, for each backup in scope (newest first):
//   1. only AVAILABLE backups count and may go (CREATING ones are kept and do not count);
//   2. one without a readable creation time is kept: its place in the order is unknown;
//   3. the newest `keepLast` are kept, whatever else is given;
//   4. a protected one is kept;
//   5. with `olderThanMs`, one that is not older than that is kept;
//   6. the rest are due, oldest first (ties broken by id); the first `maxDeletions` are deleted,
//      the others are left over for the next run.
import { holdsExactly, type BackupInfo } from '../api/backups.ts';
import type { BackupScope } from '../api/inputs.ts';

export interface Rules {
  scope: BackupScope;
  keepLast: number;
  olderThanMs: number | undefined;
  protect: readonly string[];
  maxDeletions: number;
}

export type KeepReason = 'newest' | 'protected' | 'too-young' | 'not-available' | 'unknown-age';

export interface Decision {
  backup: BackupInfo;
  /** Milliseconds since the epoch, from createTime; undefined when unreadable. */
  createdAt: number | undefined;
  verdict: 'keep' | 'delete' | 'over-cap';
  /** Why it is kept (verdict 'keep'). */
  reason?: KeepReason;
}

export interface Plan {
  /** Every backup in scope, newest first. */
  decisions: Decision[];
  /** To delete now, oldest first. */
  toDelete: Decision[];
  /** Due, but over `maxDeletions`: left for the next run. */
  leftOver: Decision[];
}

/**
 * Is this backup one of ours: MANUAL, of the backup type, and for COLLECTION exactly the
 * collections of the database (the backup must come from Describe backup for that)?
 */
export function inScope(backup: BackupInfo, scope: BackupScope): boolean {
  if (backup.creationMethod !== 'MANUAL' || backup.backupType !== scope.backupType) return false;
  return scope.backupType === 'CLUSTER' || holdsExactly(backup, scope.database, scope.collections);
}

function createdAt(backup: BackupInfo): number | undefined {
  const time = backup.createTime === undefined ? NaN : Date.parse(backup.createTime);
  return Number.isNaN(time) ? undefined : time;
}

/** Newest first; ties broken by id (so oldest first is exactly the reverse); unknown times first. */
function newestFirst(a: Decision, b: Decision): number {
  const at = a.createdAt ?? Infinity;
  const bt = b.createdAt ?? Infinity;
  if (at !== bt) return bt > at ? 1 : -1;
  return a.backup.backupId < b.backup.backupId ? 1 : a.backup.backupId > b.backup.backupId ? -1 : 0;
}

export function planPrune(backups: readonly BackupInfo[], rules: Rules, now: number): Plan {
  const protect = new Set(rules.protect);
  const decisions: Decision[] = backups
    .filter((backup) => inScope(backup, rules.scope))
    .map((backup): Decision => ({ backup, createdAt: createdAt(backup), verdict: 'keep' }))
    .sort(newestFirst);

  let counted = 0;
  const due: Decision[] = [];
  for (const decision of decisions) {
    const { backup } = decision;
    if (backup.status !== 'AVAILABLE') decision.reason = 'not-available';
    else if (decision.createdAt === undefined) decision.reason = 'unknown-age';
    else if (counted++ < rules.keepLast) decision.reason = 'newest';
    else if (protect.has(backup.backupId)) decision.reason = 'protected';
    else if (rules.olderThanMs !== undefined && now - decision.createdAt <= rules.olderThanMs)
      decision.reason = 'too-young';
    else due.push(decision);
  }

  due.reverse(); // oldest first
  const toDelete = due.slice(0, rules.maxDeletions);
  const leftOver = due.slice(rules.maxDeletions);
  for (const decision of toDelete) decision.verdict = 'delete';
  for (const decision of leftOver) decision.verdict = 'over-cap';
  return { decisions, toDelete, leftOver };
}
