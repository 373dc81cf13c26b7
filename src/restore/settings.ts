// The restore action's inputs → one typed, validated Settings object. All input validation lives
// here, on the suite's shared parsers: what can be checked from the inputs alone is checked
// before any request (every problem at once); what depends on the backup (its type, the
// collections it holds, the target names) is checked by `planCollections` or
// `checkClusterRestore` right after Describe backup, before any restore is started.
import * as core from '@actions/core';
import {
  checkNames,
  DEFAULT_BASE_URL,
  DEFAULT_TIMEOUT,
  nameProblem,
  readClusterId,
  readConnection,
  type Connection,
} from '../api/inputs.ts';
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

export interface Settings extends Connection {
  backupId: string;
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
} as const;

const BACKUP_ID = /^[A-Za-z0-9_-]+$/;
const PROJECT_ID = /^[A-Za-z0-9_-]+$/;
const CLUSTER_NAME = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/;
const SUFFIX = /^[A-Za-z0-9_]*$/;
const MAX_CU_SIZE = 1024;

function readBackupId(problems: string[]): string {
  const backupId = input('backup-id');
  if (!backupId) {
    problems.push(
      'backup-id: is required (the id of an AVAILABLE backup, e.g. ${{ steps.backup.outputs.backupId }})',
    );
  } else if (backupId.toLowerCase() === 'latest') {
    problems.push(
      'backup-id: "latest" is not accepted: name the backup to restore (e.g. ${{ steps.backup.outputs.backupId }})',
    );
  } else if (!BACKUP_ID.test(backupId)) {
    problems.push(
      `backup-id: ${quote(backupId)} may contain only letters, digits, underscores and hyphens ` +
        '(e.g. backup0_1e3c0988ecb7f0d)',
    );
  }
  return backupId;
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
  const backupId = readBackupId(problems);
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
      `cluster-name: ${quote(clusterName)} is not a cluster name (letters, digits, hyphens and underscores, starting with a letter or digit, at most 64)`,
    );
  }
  const cuSize = readCuSize(problems);
  const collectionStatus = parseEnum<CollectionStatus>(
    'collection-status',
    input('collection-status') || DEFAULTS['collection-status'],
    ['KEEP', 'RELEASE'],
    problems,
  );

  if (problems.length > 0) throw new InputError(problems);
  return {
    ...connection,
    backupId,
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

/** What the restore of a collection backup will do, decided from the settings and the backup. */
export interface CollectionPlan {
  database: string;
  targetDatabase: string;
  /** In the order they will be restored. */
  pairs: { source: string; target: string }[];
}

/**
 * Checks a collection backup's restore against what the backup holds: every named collection is
 * in it, every source has a target and every target name is valid. All problems at once.
 * `held`: the backup's collections; `heldDatabase`: its database, when Describe backup names it.
 */
export function planCollections(
  settings: Settings,
  held: string[],
  heldDatabase: string | undefined,
): CollectionPlan {
  const problems: string[] = [];
  const unusable = [
    ['project-id', settings.projectId],
    ['cluster-name', settings.clusterName],
    ['cu-size', settings.cuSize],
  ].filter(([, value]) => value !== undefined);
  for (const [name] of unusable) {
    problems.push(
      `${name}: only for a cluster backup, and ${settings.backupId} is a collection backup`,
    );
  }
  if (heldDatabase && settings.database && heldDatabase !== settings.database) {
    problems.push(
      `database: ${quote(settings.database)} is not the backup's database (${quote(heldDatabase)}); leave it empty`,
    );
  }
  const heldList = held.length > 0 ? held.join(', ') : 'no collections';
  const chosen = settings.collections.length > 0 ? settings.collections : held;
  for (const source of settings.collections.filter((name) => !held.includes(name))) {
    problems.push(
      `collections: backup ${settings.backupId} holds no ${quote(source)} (it holds: ${heldList})`,
    );
  }
  for (const source of [...settings.rename.keys()].filter((name) => !held.includes(name))) {
    problems.push(
      `rename: backup ${settings.backupId} holds no ${quote(source)} (it holds: ${heldList})`,
    );
  }
  const pairs = chosen
    .filter((source) => held.includes(source))
    .map((source) => ({
      source,
      target:
        settings.rename.size > 0 ? (settings.rename.get(source) ?? '') : source + settings.suffix,
    }));
  const unnamed = pairs.filter((pair) => pair.target === '').map((pair) => pair.source);
  if (unnamed.length > 0) {
    problems.push(
      `rename: no target for ${unnamed.join(', ')} (add source:target pairs for them, or list only the renamed ones in collections)`,
    );
  }
  for (const { target } of pairs.filter((pair) => pair.target !== '')) {
    const problem = nameProblem(target);
    if (problem) problems.push(`target name ${quote(target)} ${problem}`);
  }
  if (pairs.length === 0 && held.length === 0) {
    problems.push(`backup-id: backup ${settings.backupId} names no collections to restore`);
  }
  if (!settings.wait && pairs.length > 1) {
    problems.push(
      `wait: false is accepted only with a single collection, and backup ${settings.backupId} holds ${pairs.length}: name one in collections`,
    );
  }
  if (problems.length > 0) throw new InputError(problems);
  const database = heldDatabase ?? settings.database ?? 'default';
  return { database, targetDatabase: settings.targetDatabase ?? database, pairs };
}

/** Checks a cluster backup's restore: its own inputs given, the collection ones left out. */
export function checkClusterRestore(settings: Settings): {
  projectId: string;
  clusterName: string;
} {
  const problems: string[] = [];
  const why = `${settings.backupId} is a cluster backup, restored into a new cluster`;
  if (!settings.projectId)
    problems.push(`project-id: is required: ${why} (e.g. proj-4487580fcfe2c8a4391686)`);
  if (!settings.clusterName) problems.push(`cluster-name: is required: ${why}`);
  const collectionInputs: [string, boolean][] = [
    ['collections', settings.collections.length > 0],
    ['rename', settings.rename.size > 0],
    ['database', settings.database !== undefined],
    ['target-database', settings.targetDatabase !== undefined],
    ['target-cluster-id', settings.targetClusterId !== settings.clusterId],
  ];
  for (const [name, given] of collectionInputs) {
    if (given) problems.push(`${name}: only for a collection backup, and ${why}`);
  }
  if (problems.length > 0) throw new InputError(problems);
  return { projectId: settings.projectId as string, clusterName: settings.clusterName as string };
}
