// Checks a workflow (an example, or a snippet of the README) against action.yml: only inputs and
// outputs the action defines, required inputs given, the key from a secret, actions pinned.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { parse } from 'yaml';
import { ACTIONS } from '../../scripts/actions.ts';

export const ROOT = join(import.meta.dirname, '..', '..');
/** How the README and the examples refer to the root action; the others add their folder. */
export const ACTION_REF = '<owner>/zilliz-backup-action@v1';

export interface InputSpec {
  description: string;
  required: boolean;
  default: string | undefined;
}

export interface ActionSpec {
  /** The folder of its action.yml: '' for the root action, 'prune' … */
  dir: string;
  name: string;
  description: string;
  branding: { icon?: string; color?: string } | undefined;
  inputs: Map<string, InputSpec>;
  outputs: Map<string, { description: string }>;
}

type Json = Record<string, unknown>;

const isObject = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** An action.yml of the suite, relative to the repository root (the backup action's by default). */
export function loadAction(metadata = 'action.yml'): ActionSpec {
  const doc = parse(readFileSync(join(ROOT, metadata), 'utf8')) as Json;
  const inputs = new Map<string, InputSpec>();
  for (const [name, spec] of Object.entries((doc.inputs ?? {}) as Record<string, Json>)) {
    inputs.set(name, {
      description: String(spec.description ?? ''),
      required: spec.required === true,
      default: spec.default === undefined ? undefined : String(spec.default),
    });
  }
  const outputs = new Map<string, { description: string }>();
  for (const [name, spec] of Object.entries((doc.outputs ?? {}) as Record<string, Json>)) {
    outputs.set(name, { description: String(spec.description ?? '') });
  }
  return {
    dir: dirname(metadata) === '.' ? '' : dirname(metadata),
    name: String(doc.name),
    description: String(doc.description),
    branding: doc.branding as ActionSpec['branding'],
    inputs,
    outputs,
  };
}

/**
 * Every action of the suite by the `uses:` that refers to it: `<owner>/zilliz-backup-action@v1`
 * for the root action, `<owner>/zilliz-backup-action/restore@v1` beside it; with `local`, as the
 * repository's own workflows refer to them (`./`, `./restore`).
 */
export function loadSuite(local = false): Map<string, ActionSpec> {
  const suite = new Map<string, ActionSpec>();
  for (const action of ACTIONS) {
    const dir = dirname(action.metadata);
    const ref = local
      ? dir === '.'
        ? './'
        : `./${dir}`
      : dir === '.'
        ? ACTION_REF
        : ACTION_REF.replace('@', `/${dir}@`);
    suite.set(ref, loadAction(action.metadata));
  }
  return suite;
}

/** Every string anywhere inside `value`. */
function strings(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.flatMap(strings);
  if (isObject(value)) return Object.values(value).flatMap(strings);
  return [];
}

// Versions (v5, v5.0.1) or full commit SHAs; local actions (./) are pinned by the checkout.
const PINNED = /^(\.\/.*|[\w.-]+\/[\w./-]+@(v\d+(\.\d+){0,2}|[0-9a-f]{40}))$/;
const SECRET = /^\$\{\{\s*secrets\.[A-Za-z_][A-Za-z0-9_]*\s*\}\}$/;

export interface CheckOptions {
  /** Whole workflows must declare top-level permissions; README fragments may leave them out. */
  requirePermissions: boolean;
  /** How the workflow refers to this action (the repository's own CI uses `./`). */
  actionRef?: string;
  /** Whether api-key must come from a secret (not for the simulator's test key). */
  keyFromSecret?: boolean;
}

/**
 * Everything wrong with `workflow`, one problem per line; empty when all is well. `action`: one
 * action (referred to as `options.actionRef`), or the suite by reference (loadSuite).
 */
export function checkWorkflow(
  workflow: unknown,
  action: ActionSpec | Map<string, ActionSpec>,
  options: CheckOptions,
): string[] {
  const problems: string[] = [];
  const suite =
    action instanceof Map ? action : new Map([[options.actionRef ?? ACTION_REF, action]]);
  const actionRef = [...suite.keys()].join(' or ');
  if (!isObject(workflow)) return ['not a YAML mapping'];
  if (options.requirePermissions && !('permissions' in workflow)) {
    problems.push('no top-level permissions:');
  }
  const jobs = workflow.jobs;
  if (!isObject(jobs) || Object.keys(jobs).length === 0) return [...problems, 'no jobs'];
  let usesAction = false;

  for (const [jobId, job] of Object.entries(jobs)) {
    if (!isObject(job)) {
      problems.push(`${jobId}: not a mapping`);
      continue;
    }
    const steps = Array.isArray(job.steps) ? (job.steps as unknown[]) : [];
    const stepIds = new Set<string>();
    const actionStepIds = new Map<string, ActionSpec>();
    steps.forEach((step, index) => {
      if (!isObject(step)) return;
      const where = `${jobId}.steps[${index}]`;
      if (typeof step.id === 'string') stepIds.add(step.id);
      if (typeof step.uses !== 'string') return;
      const known = suite.get(step.uses);
      if (!known && !step.uses.includes('zilliz-backup-action')) {
        if (!PINNED.test(step.uses)) problems.push(`${where}: ${step.uses} is not pinned`);
        return;
      }
      usesAction = true;
      if (!known) problems.push(`${where}: uses ${step.uses}, not ${actionRef}`);
      // A wrong reference to the only action checked is still checked as that action.
      const spec = known ?? (suite.size === 1 ? [...suite.values()][0] : undefined);
      if (!spec) return;
      if (typeof step.id === 'string') actionStepIds.set(step.id, spec);
      const given = isObject(step.with) ? step.with : {};
      for (const name of Object.keys(given)) {
        if (!spec.inputs.has(name)) problems.push(`${where}: unknown input ${name}`);
      }
      for (const [name, input] of spec.inputs) {
        if (input.required && !(name in given)) problems.push(`${where}: required ${name} missing`);
      }
      if (
        options.keyFromSecret !== false &&
        'api-key' in given &&
        !SECRET.test(String(given['api-key']))
      ) {
        problems.push(`${where}: api-key must come from a secret (\${{ secrets.NAME }})`);
      }
    });

    const text = strings(job).join('\n');
    for (const [, id, output] of text.matchAll(/\bsteps\.([\w-]+)\.outputs\.([\w-]+)/g)) {
      if (!id || !output) continue;
      if (!stepIds.has(id)) problems.push(`${jobId}: steps.${id} is not a step id of this job`);
      else if (actionStepIds.has(id) && !actionStepIds.get(id)?.outputs.has(output)) {
        problems.push(`${jobId}: steps.${id}.outputs.${output} is not an output of the action`);
      }
    }
    const needs = new Set(
      Array.isArray(job.needs) ? job.needs.map(String) : job.needs ? [String(job.needs)] : [],
    );
    for (const [, other, output] of text.matchAll(/\bneeds\.([\w-]+)\.outputs\.([\w-]+)/g)) {
      if (!other || !output) continue;
      const target = jobs[other];
      if (!needs.has(other)) problems.push(`${jobId}: needs.${other} but ${other} is not in needs`);
      else if (!isObject(target) || !isObject(target.outputs) || !(output in target.outputs)) {
        problems.push(`${jobId}: needs.${other}.outputs.${output} is not an output of ${other}`);
      }
    }
  }
  if (!usesAction) problems.push(`no step uses ${actionRef}`);
  return problems;
}

/** The shell scripts of the workflow's run: steps, with where they are. */
export function runScripts(workflow: unknown): { where: string; script: string }[] {
  const scripts: { where: string; script: string }[] = [];
  if (!isObject(workflow) || !isObject(workflow.jobs)) return scripts;
  for (const [jobId, job] of Object.entries(workflow.jobs)) {
    if (!isObject(job) || !Array.isArray(job.steps)) continue;
    job.steps.forEach((step: unknown, index: number) => {
      if (isObject(step) && typeof step.run === 'string') {
        scripts.push({ where: `${jobId}.steps[${index}]`, script: step.run });
      }
    });
  }
  return scripts;
}
