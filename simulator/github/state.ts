// The repository: refs and commits, deployments and their statuses.
import { createHash } from 'node:crypto';
import {
  AUTO_INACTIVE_FROM,
  DEPLOYMENT_DEFAULTS,
  FIRST_DEPLOYMENT_ID,
  FIRST_STATUS_ID,
  SHORT_SHA_MIN,
  isoSeconds,
  sameEnvironment,
} from './quirks.ts';
import { ACTIONS_BOT, defaultScenario, mergeScenario } from './scenario.ts';
import type {
  Actor,
  CheckState,
  DeploymentState,
  Scenario,
  ScenarioInput,
  SeedDeployment,
} from './scenario.ts';

export interface StoredStatus {
  id: number;
  state: DeploymentState;
  description: string;
  environment: string;
  environment_url: string;
  log_url: string;
  creator: Actor;
  createdAt: number;
  /** Made by auto_inactive, not by a request. */
  autoInactive: boolean;
}

export interface StoredDeployment {
  id: number;
  sha: string;
  ref: string;
  task: string;
  /** As given (object or string). */
  payload: unknown;
  original_environment: string;
  environment: string;
  description: string | null;
  creator: Actor;
  createdAt: number;
  updatedAt: number;
  transient_environment: boolean;
  production_environment: boolean;
  /** Oldest first. */
  statuses: StoredStatus[];
}

/** What tests see of a deployment (timestamps as GitHub writes them). */
export interface SimDeploymentStatus {
  id: number;
  state: DeploymentState;
  description: string;
  environment: string;
  environment_url: string;
  log_url: string;
  creator: Actor;
  created_at: string;
  autoInactive: boolean;
}

export interface SimDeployment {
  id: number;
  sha: string;
  ref: string;
  task: string;
  payload: unknown;
  original_environment: string;
  environment: string;
  description: string | null;
  creator: Actor;
  created_at: string;
  updated_at: string;
  transient_environment: boolean;
  production_environment: boolean;
  /** The newest status's state, null without statuses. */
  state: DeploymentState | null;
  /** Oldest first. */
  statuses: SimDeploymentStatus[];
}

const DAY_MS = 24 * 3600 * 1000;

function toMs(value: string | number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const ms = typeof value === 'number' ? value : Date.parse(value);
  if (Number.isNaN(ms)) throw new Error(`invalid date ${JSON.stringify(value)}`);
  return ms;
}

export class GitHubState {
  scenario: Scenario = defaultScenario();
  private readonly deploymentsById = new Map<number, StoredDeployment>();
  private nextDeploymentId = FIRST_DEPLOYMENT_ID;
  private nextStatusId = FIRST_STATUS_ID;

  configure(input: ScenarioInput, now: number): void {
    const next = mergeScenario(this.scenario, input);
    const seeds = (input.deployments ?? [])
      .map((seed, i) => ({ seed, i, createdAt: toMs(seed.created_at, now) }))
      .sort((a, b) => a.createdAt - b.createdAt || a.i - b.i);
    for (const { seed } of seeds) {
      if (seed.sha && !next.commits.includes(seed.sha)) next.commits.push(seed.sha);
    }
    this.scenario = next;
    for (const { seed, createdAt } of seeds) this.addSeed(seed, createdAt);
  }

  private addSeed(seed: SeedDeployment, createdAt: number): void {
    const sha = seed.sha ?? this.resolveRef(seed.ref ?? '');
    if (!sha)
      throw new Error(`seed deployment ref ${JSON.stringify(seed.ref)} resolves to nothing`);
    const id = seed.id ?? this.nextDeploymentId;
    if (this.deploymentsById.has(id)) throw new Error(`deployment id ${id} is already taken`);
    this.nextDeploymentId = Math.max(this.nextDeploymentId, id + 1);
    const environment = seed.environment ?? DEPLOYMENT_DEFAULTS.environment;
    const creator = seed.creator ?? ACTIONS_BOT;
    const deployment: StoredDeployment = {
      id,
      sha,
      ref: seed.ref ?? sha,
      task: seed.task ?? DEPLOYMENT_DEFAULTS.task,
      payload: seed.payload ?? {},
      original_environment: environment,
      environment,
      description: seed.description === undefined ? '' : seed.description,
      creator,
      createdAt,
      updatedAt: createdAt,
      transient_environment: seed.transient_environment ?? false,
      production_environment: seed.production_environment ?? environment === 'production',
      statuses: [],
    };
    for (const s of seed.statuses ?? []) {
      const statusAt = toMs(s.created_at, createdAt);
      deployment.statuses.push({
        id: this.nextStatusId++,
        state: s.state,
        description: s.description ?? '',
        environment,
        environment_url: s.environment_url ?? '',
        log_url: s.log_url ?? '',
        creator: s.creator ?? creator,
        createdAt: statusAt,
        autoInactive: false,
      });
      deployment.updatedAt = Math.max(deployment.updatedAt, statusAt);
    }
    this.deploymentsById.set(id, deployment);
  }

  // ---- Refs ---------------------------------------------------------------------------------

  knownCommits(): string[] {
    const s = this.scenario;
    return [...new Set([...Object.values(s.branches), ...Object.values(s.tags), ...s.commits])];
  }

  /** The SHA a ref names (see quirks.ts for the order), or undefined. */
  resolveRef(ref: string): string | undefined {
    const { branches, tags } = this.scenario;
    const known = this.knownCommits();
    if (/^[0-9a-f]{40}$/i.test(ref)) return known.find((sha) => sha === ref.toLowerCase());
    const named =
      /^refs\/heads\/(.+)$/.exec(ref)?.[1] ?? /^heads\/(.+)$/.exec(ref)?.[1] ?? undefined;
    if (named !== undefined) return branches[named];
    const tag = /^(?:refs\/)?tags\/(.+)$/.exec(ref)?.[1];
    if (tag !== undefined) return tags[tag];
    if (Object.hasOwn(tags, ref)) return tags[ref];
    if (Object.hasOwn(branches, ref)) return branches[ref];
    if (ref.length >= SHORT_SHA_MIN && /^[0-9a-f]+$/i.test(ref)) {
      const matches = known.filter((sha) => sha.startsWith(ref.toLowerCase()));
      return matches.length === 1 ? matches[0] : undefined;
    }
    return undefined;
  }

  /** Commit status contexts of a commit ('*' entries apply to every commit). */
  contexts(sha: string): Record<string, CheckState> {
    return { ...this.scenario.checks['*'], ...this.scenario.checks[sha] };
  }

  /** Whether auto_merge would merge into this ref; merging takes it off the list. */
  takeBehind(ref: string, sha: string): boolean {
    const list = this.scenario.behindDefault;
    const i = list.findIndex((r) => r === ref || r === sha);
    if (i < 0) return false;
    list.splice(i, 1);
    if (Object.hasOwn(this.scenario.branches, ref)) {
      const merge = createHash('sha1').update(`merge:${sha}:${this.scenario.defaultBranch}`);
      this.scenario.branches[ref] = merge.digest('hex');
    }
    return true;
  }

  conflicts(ref: string, sha: string): boolean {
    return this.scenario.mergeConflicts.some((r) => r === ref || r === sha);
  }

  // ---- Deployments --------------------------------------------------------------------------

  /** Statuses past retention are deleted, except each deployment's newest (documented). */
  expireStatuses(now: number): void {
    const cutoff = now - this.scenario.statusRetentionDays * DAY_MS;
    for (const d of this.deploymentsById.values()) {
      const newest = newestStatus(d);
      d.statuses = d.statuses.filter((s) => s === newest || s.createdAt >= cutoff);
    }
  }

  deployment(id: number): StoredDeployment | undefined {
    return this.deploymentsById.get(id);
  }

  /** Oldest first (by id). */
  allDeployments(): StoredDeployment[] {
    return [...this.deploymentsById.values()].sort((a, b) => a.id - b.id);
  }

  addDeployment(fields: Omit<StoredDeployment, 'id' | 'statuses' | 'updatedAt'>): StoredDeployment {
    const deployment: StoredDeployment = {
      ...fields,
      id: this.nextDeploymentId++,
      updatedAt: fields.createdAt,
      statuses: [],
    };
    this.deploymentsById.set(deployment.id, deployment);
    return deployment;
  }

  addStatus(
    deployment: StoredDeployment,
    fields: Omit<StoredStatus, 'id' | 'autoInactive'>,
    autoInactive: boolean,
  ): StoredStatus {
    const status: StoredStatus = { ...fields, id: this.nextStatusId++, autoInactive: false };
    deployment.statuses.push(status);
    deployment.environment = fields.environment;
    deployment.updatedAt = fields.createdAt;
    if (autoInactive && status.state === 'success') this.inactivateEarlier(deployment, status);
    return status;
  }

  /** Earlier deployments of the environment that are still successful get `inactive`. */
  private inactivateEarlier(latest: StoredDeployment, cause: StoredStatus): void {
    for (const d of this.deploymentsById.values()) {
      if (d.id >= latest.id || !sameEnvironment(d.environment, latest.environment)) continue;
      const current = newestStatus(d);
      if (!current || !AUTO_INACTIVE_FROM.includes(current.state)) continue;
      d.statuses.push({
        id: this.nextStatusId++,
        state: 'inactive',
        description: '',
        environment: d.environment,
        environment_url: current.environment_url,
        log_url: current.log_url,
        creator: cause.creator,
        createdAt: cause.createdAt,
        autoInactive: true,
      });
      d.updatedAt = cause.createdAt;
    }
  }

  snapshot(): SimDeployment[] {
    return this.allDeployments().map(toSim);
  }
}

export function newestStatus(d: StoredDeployment): StoredStatus | undefined {
  return d.statuses.reduce<StoredStatus | undefined>(
    (a, s) => (!a || s.id > a.id ? s : a),
    undefined,
  );
}

function toSim(d: StoredDeployment): SimDeployment {
  return structuredClone({
    id: d.id,
    sha: d.sha,
    ref: d.ref,
    task: d.task,
    payload: d.payload,
    original_environment: d.original_environment,
    environment: d.environment,
    description: d.description,
    creator: d.creator,
    created_at: isoSeconds(d.createdAt),
    updated_at: isoSeconds(d.updatedAt),
    transient_environment: d.transient_environment,
    production_environment: d.production_environment,
    state: newestStatus(d)?.state ?? null,
    statuses: [...d.statuses]
      .sort((a, b) => a.id - b.id)
      .map((s) => ({
        id: s.id,
        state: s.state,
        description: s.description,
        environment: s.environment,
        environment_url: s.environment_url,
        log_url: s.log_url,
        creator: s.creator,
        created_at: isoSeconds(s.createdAt),
        autoInactive: s.autoInactive,
      })),
  });
}
