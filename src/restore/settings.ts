// The restore action's inputs → one typed, validated Settings object. All input validation lives
// here, on the suite's shared parsers: what can be checked from the inputs alone is checked
// before any request (every problem at once); what depends on the backup (its type, the
// collections it holds) is decided by the pure plan (plan.ts) right after Describe backup,
// before any restore is started.
import * as core from '@actions/core';
import {
  checkNames,
  DEFAULT_BASE_URL,
  DEFAULT_TIMEOUT,
  readClusterId,
  readConnection,
  readVerification,
  type Connection,
  type Verification,
  inputSecrets,
} from '../api/inputs.ts';
import { readEnvironment, readGitHubToken } from '../ledger/inputs.ts';
import { BACKUP_ID, CLUSTER_NAME, MAX_NAME_LENGTH, PROJECT_ID } from '../api/ids.ts';
import {
  input,
  InputError,
  inputGiven,
  parseBoolean,
  parseEnum,
  parseList,
  quote,
} from '../core/inputs.ts';

export type CollectionStatus = 'KEEP' | 'RELEASE';

export interface Settings extends Connection, Verification {
  /**
   * The backup to restore; '' until the deploy ledger names it (with `from`), when the workflow
   * fills it in before anything else.
   */
  backupId: string;
  /** last-successful, a commit SHA, a tag or a branch: the ledger entry to restore from. */
  from: string | undefined;
  /** The deploy's environment in the ledger. */
  ledger: string | undefined;
  githubToken: string;
  /** Secrets from the inputs besides the key (the cluster-token), redacted everywhere. */
  secrets: string[];
  wait: boolean;
  /** Collections to restore; empty: all of the backup's. */
  collections: string[];
  /** The backup's database when Describe backup does not name it; undefined: `default`. */
  database: string | undefined;
  /** Cluster that receives the collections; cluster-id when not given. */
  targetClusterId: string;
  /** Database that receives them; undefined: the backup's. */
  targetDatabase: string | undefined;
  suffix: string;
  /** source → target; empty when not given. */
  rename: Map<string, string>;
  load: boolean;
  projectId: string | undefined;
  clusterName: string | undefined;
  /** undefined: the source cluster's size. */
  cuSize: number | undefined;
  collectionStatus: CollectionStatus;
}

export const DEFAULTS = {
  wait: 'true',
  timeout: DEFAULT_TIMEOUT,
  'base-url': DEFAULT_BASE_URL,
  suffix: '_restored',
  load: 'true',
  'collection-status': 'KEEP',
  verify: 'auto',
} as const;

const SUFFIX = /^[A-Za-z0-9_]*$/;
/**
 * Contested: 1..1024 in the OpenAPI source, at most 256 on the reference page. The wider bound
 * is checked here; the server refuses what it does not take.
 */
const MAX_CU_SIZE = 1024;

/** What to restore: a backup named by its id, or the one the deploy ledger names. */
function readSource(problems: string[]): {
  backupId: string;
  from: string | undefined;
  ledger: string | undefined;
} {
  const backupId = input('backup-id');
  const from = input('from') || undefined;
  const ledger = readEnvironment('ledger', problems);
  if (backupId && (from || ledger)) {
    problems.push(
      'backup-id and from/ledger: give one way to name the backup, not both (backup-id, or from with ledger)',
    );
  } else if (!backupId && !from && !ledger) {
    problems.push(
      'backup-id: is required, or from with ledger (the id of an AVAILABLE backup, e.g. ${{ steps.backup.outputs.backupId }}; or from: last-successful and ledger: production)',
    );
  } else if (!backupId && !from) {
    problems.push(
      'from: is required with ledger (last-successful, a commit SHA, a tag or a branch)',
    );
  } else if (!backupId && !ledger) {
    problems.push(
      'ledger: is required with from (the environment the deploys went to, e.g. production)',
    );
  } else if (from !== undefined && from !== LAST_SUCCESSFUL && !GIT_REF.test(from)) {
    problems.push(
      `from: ${quote(from)} is not last-successful, a commit SHA, a tag or a branch name`,
    );
  }
  if (backupId) checkBackupId(backupId, problems);
  return { backupId, from, ledger };
}

/** A tag, a branch or a (short) commit SHA, as git allows them (no spaces, no "..", no leading "-"). */
const GIT_REF = /^(?!-)(?!.*\.\.)[A-Za-z0-9._/+-]{1,255}$/;
export const LAST_SUCCESSFUL = 'last-successful';

function checkBackupId(backupId: string, problems: string[]): void {
  if (backupId.toLowerCase() === 'latest') {
    problems.push(
      'backup-id: "latest" is not accepted: name the backup to restore (e.g. ${{ steps.backup.outputs.backupId }})',
    );
  } else if (!BACKUP_ID.test(backupId)) {
    problems.push(
      `backup-id: ${quote(backupId)} may contain only letters, digits, underscores and hyphens ` +
        '(e.g. backup0_1e3c0988ecb7f0d)',
    );
  }
}

/** `source:target` pairs, separated by commas or newlines. */
function readRename(problems: string[]): Map<string, string> {
  const rename = new Map<string, string>();
  const targets = new Set<string>();
  for (const pair of parseList(core.getInput('rename'))) {
    const parts = pair.split(':').map((part) => part.trim());
    const [source = '', target = ''] = parts;
    if (parts.length !== 2 || !source || !target) {
      problems.push(`rename: ${quote(pair)} is not a source:target pair (e.g. orders:orders_v1)`);
      continue;
    }
    checkNames('rename', [source, target], problems);
    if (rename.has(source)) problems.push(`rename: ${quote(source)} is renamed twice`);
    if (targets.has(target))
      problems.push(`rename: two collections are renamed to ${quote(target)}`);
    rename.set(source, target);
    targets.add(target);
  }
  return rename;
}

function readCuSize(problems: string[]): number | undefined {
  const raw = input('cu-size');
  if (raw === '') return undefined;
  const size = /^\d+$/.test(raw) ? Number(raw) : NaN;
  if (!(size >= 1 && size <= MAX_CU_SIZE)) {
    problems.push(`cu-size: ${quote(raw)} is not a whole number from 1 to ${MAX_CU_SIZE}`);
    return undefined;
  }
  return size;
}

export function readSettings(): Settings {
  const problems: string[] = [];
  const connection = readConnection(problems);
  const { backupId, from, ledger } = readSource(problems);
  const githubToken = readGitHubToken();
  const wait = parseBoolean('wait', true, problems);

  const collections = parseList(core.getInput('collections'));
  checkNames('collections', collections, problems);
  const database = input('database') || undefined;
  if (database !== undefined) checkNames('database', [database], problems);
  const targetClusterId =
    readClusterId('target-cluster-id', problems, false) || connection.clusterId;
  const targetDatabase = input('target-database') || undefined;
  if (targetDatabase !== undefined) checkNames('target-database', [targetDatabase], problems);

  // A runner always passes suffix (its default when left out); `suffix: ''` keeps the names.
  const suffix = inputGiven('suffix') ? core.getInput('suffix').trim() : DEFAULTS.suffix;
  if (!SUFFIX.test(suffix)) {
    problems.push(
      `suffix: ${quote(suffix)} may contain only letters, digits and underscores (e.g. _restored, or '' for the original names)`,
    );
  } else if (suffix.length >= MAX_NAME_LENGTH) {
    problems.push(
      `suffix: ${quote(suffix)} is ${suffix.length} characters long: with any collection name it would pass the ${MAX_NAME_LENGTH}-character limit`,
    );
  } else {
    for (const name of collections.filter((c) => (c + suffix).length > MAX_NAME_LENGTH)) {
      problems.push(
        `suffix: ${quote(name + suffix)} (collection ${quote(name)} with the suffix) is longer than ${MAX_NAME_LENGTH} characters: use a shorter suffix, or rename`,
      );
    }
  }
  const rename = readRename(problems);
  if (rename.size > 0 && suffix !== DEFAULTS.suffix) {
    problems.push(
      'suffix and rename: give one or the other (rename names every target itself: leave suffix at its default)',
    );
  }
  if (rename.size > 0 && collections.length > 0) {
    const extra = [...rename.keys()].filter((source) => !collections.includes(source));
    if (extra.length > 0) {
      problems.push(`rename: ${extra.map(quote).join(', ')} not in collections`);
    }
  }
  if (!wait && collections.length > 1) {
    problems.push(
      'wait: false is accepted only with a single collection (restores run one at a time: the next one starts when the previous one has finished)',
    );
  }
  const load = parseBoolean('load', true, problems);

  const projectId = input('project-id') || undefined;
  if (projectId !== undefined && !PROJECT_ID.test(projectId)) {
    problems.push(
      `project-id: ${quote(projectId)} may contain only letters, digits, underscores and hyphens (e.g. proj-4487580fcfe2c8a4391686)`,
    );
  }
  const clusterName = input('cluster-name') || undefined;
  if (clusterName !== undefined && !CLUSTER_NAME.test(clusterName)) {
    problems.push(
      `cluster-name: ${quote(clusterName)} is not a cluster name (letters, digits and hyphens, starting with a letter or digit, at most 64)`,
    );
  }
  const cuSize = readCuSize(problems);
  const collectionStatus = parseEnum<CollectionStatus>(
    'collection-status',
    input('collection-status') || DEFAULTS['collection-status'],
    ['KEEP', 'RELEASE'],
    problems,
  );

  const verification = readVerification(problems);

  if (problems.length > 0) throw new InputError(problems);
  return {
    ...connection,
    ...verification,
    secrets: inputSecrets(verification.clusterToken, githubToken),
    backupId,
    from,
    ledger,
    githubToken,
    wait,
    collections,
    database,
    targetClusterId,
    targetDatabase,
    suffix,
    rename,
    load,
    projectId,
    clusterName,
    cuSize,
    collectionStatus,
  };
}
