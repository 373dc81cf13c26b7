// The prune action's inputs → one typed, validated Settings object. All input validation lives
// here (on the suite's shared parsers), so that every mistake is reported, all at once, before
// the action sends a single request.
import * as core from '@actions/core';
import {
  readBackupScope,
  readConnection,
  type BackupScope,
  type Connection,
  inputSecrets,
} from '../api/inputs.ts';
import { readEnvironment, readGitHubToken } from '../ledger/inputs.ts';
import { BACKUP_ID } from '../api/ids.ts';
import {
  input,
  InputError,
  parseBoolean,
  parseDuration,
  parseInteger,
  parseList,
  quote,
} from '../core/inputs.ts';

export interface Settings extends Connection, BackupScope {
  /** How many of the newest AVAILABLE backups in scope are always kept. */
  keepLast: number;
  /** When set, only backups older than this (ms) are deleted. */
  olderThanMs: number | undefined;
  /** Backup ids never deleted. */
  protect: string[];
  /** At most this many deletions per run. */
  maxDeletions: number;
  dryRun: boolean;
  /** The deploy's environment whose newest successful ledger entries are never deleted. */
  protectLedger: string | undefined;
  protectLedgerCount: number;
  githubToken: string;
  /** The github-token, redacted everywhere. */
  secrets: string[];
}

export const DEFAULTS = {
  'keep-last': '10',
  'max-deletions': '20',
  'protect-ledger-count': '1',
} as const;
export const MAX_LEDGER_COUNT = 100;
export const MAX_KEEP_LAST = 10_000;
export const MAX_DELETIONS = 1_000;

export function readSettings(): Settings {
  const problems: string[] = [];
  const connection = readConnection(problems);
  const scope = readBackupScope(problems);

  const keepLast = parseInteger(
    'keep-last',
    input('keep-last') || DEFAULTS['keep-last'],
    { min: 1, max: MAX_KEEP_LAST },
    problems,
  );

  const olderThanRaw = input('older-than');
  let olderThanMs: number | undefined;
  if (/^\d+$/.test(olderThanRaw)) {
    // A bare number would be seconds: never what an age of backups means, and it deletes more.
    problems.push(
      `older-than: ${quote(olderThanRaw)} has no unit: write ${olderThanRaw}d for days or ` +
        `${olderThanRaw}h for hours (units d, h, m, s; e.g. 30d, 12h, 1d12h)`,
    );
  } else if (olderThanRaw !== '') {
    olderThanMs = parseDuration(olderThanRaw);
    if (olderThanMs === undefined || olderThanMs === 0) {
      problems.push(
        `older-than: ${quote(olderThanRaw)} is not a positive age (e.g. 30d, 12h or 1d12h)`,
      );
    }
  }

  const protect = parseList(core.getInput('protect'));
  for (const id of protect) {
    if (!BACKUP_ID.test(id)) {
      problems.push(
        `protect: ${quote(id)} is not a backup id (letters, digits, _ and -, e.g. backup0_1e3c0988ecb7f0d)`,
      );
    }
  }

  const maxDeletions = parseInteger(
    'max-deletions',
    input('max-deletions') || DEFAULTS['max-deletions'],
    { min: 1, max: MAX_DELETIONS },
    problems,
  );
  const dryRun = parseBoolean('dry-run', false, problems);
  const protectLedger = readEnvironment('protect-ledger', problems);
  const protectLedgerCount = parseInteger(
    'protect-ledger-count',
    input('protect-ledger-count') || DEFAULTS['protect-ledger-count'],
    { min: 1, max: MAX_LEDGER_COUNT },
    problems,
  );
  const githubToken = readGitHubToken();

  if (problems.length > 0) throw new InputError(problems);
  return {
    ...connection,
    ...scope,
    keepLast,
    olderThanMs,
    protect,
    maxDeletions,
    dryRun,
    protectLedger,
    protectLedgerCount,
    githubToken,
    secrets: inputSecrets(githubToken),
  };
}
