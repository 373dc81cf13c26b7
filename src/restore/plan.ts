// What a restore will do, decided from the settings and what Describe backup says the backup
// holds, as pure functions: nothing here talks to the server, so every rule is tested on its own
// (__tests__/restore-plan). A problem found here is an input problem (InputError), reported
// before any restore is started, all at once.
import { DEFAULT_DATABASE, nameProblem } from '../api/ids.ts';
import { InputError, quote } from '../core/inputs.ts';
import type { Settings } from './settings.ts';

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
  const database = heldDatabase ?? settings.database ?? DEFAULT_DATABASE;
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
