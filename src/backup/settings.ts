// The backup action's inputs → one typed, validated Settings object. All input validation lives
// here (on the suite's shared parsers), so that every mistake is reported, all at once, before
// the action sends a single request.
import * as core from '@actions/core';
import {
  DEFAULT_BASE_URL,
  DEFAULT_TIMEOUT,
  readBackupScope,
  readConnection,
  readVerification,
  type BackupScope,
  type Connection,
  type Verification,
  inputSecrets,
} from '../api/inputs.ts';
import type { BackupType } from '../api/backups.ts';
import {
  readEnvironment,
  readGitHubToken,
  readLedgerFailure,
  type LedgerFailure,
} from '../ledger/inputs.ts';
import { input, InputError, parseBoolean, parseEnum, parseList, quote } from '../core/inputs.ts';

export type { BackupType };
export type IfInProgress = 'wait' | 'fail';

export interface Settings extends Connection, BackupScope, Verification {
  /** The deploy's environment for the deploy ledger; undefined: no ledger. */
  ledger: string | undefined;
  githubToken: string;
  ledgerFailure: LedgerFailure;
  /** Secrets from the inputs besides the key (the cluster-token), redacted everywhere. */
  secrets: string[];
  wait: boolean;
  ifInProgress: IfInProgress;
  /** Region ids that receive a permanent copy of the backup. */
  copyToRegions: string[];
}

export const DEFAULTS = {
  'backup-type': 'CLUSTER',
  wait: 'true',
  timeout: DEFAULT_TIMEOUT,
  'base-url': DEFAULT_BASE_URL,
  'if-in-progress': 'wait',
  verify: 'auto',
  'ledger-failure': 'warn',
} as const;

const REGION_ID = /^[a-z0-9]+(?:-[a-z0-9]+)+$/;

export function readSettings(): Settings {
  const problems: string[] = [];
  const connection = readConnection(problems);

  const { backupType, collections, database } = readBackupScope(problems);

  const wait = parseBoolean('wait', true, problems);

  const ifInProgress = parseEnum<IfInProgress>(
    'if-in-progress',
    input('if-in-progress') || DEFAULTS['if-in-progress'],
    ['wait', 'fail'],
    problems,
  );

  const verification = readVerification(problems);
  const ledger = readEnvironment('ledger', problems);
  const githubToken = readGitHubToken();
  const ledgerFailure = readLedgerFailure(problems);

  const copyToRegions = parseList(core.getInput('copy-to-regions'));
  for (const region of copyToRegions) {
    if (!REGION_ID.test(region)) {
      problems.push(
        `copy-to-regions: ${quote(region)} is not a region id (lowercase words joined by ` +
          'hyphens, e.g. aws-us-east-1)',
      );
    }
  }

  if (problems.length > 0) throw new InputError(problems);
  return {
    ...connection,
    backupType,
    collections,
    database,
    wait,
    ifInProgress,
    copyToRegions,
    ...verification,
    ledger,
    githubToken,
    ledgerFailure,
    secrets: inputSecrets(verification.clusterToken, githubToken),
  };
}
