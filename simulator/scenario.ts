// Scenario: the simulated world (clusters, job timing, outcomes, faults) and its defaults.
import { DEFAULT_COLLECTIONS_FIELD, DEFAULT_RATE_LIMIT, type CountStyle } from './quirks.ts';

export type RouteName =
  | 'createBackup'
  | 'describeJob'
  | 'describeBackup'
  | 'listBackups'
  | 'deleteBackup'
  | RestoreRouteName;
/** The restore action's routes (see restore.ts). */
export type RestoreRouteName =
  'restoreCollection' | 'restoreCluster' | 'listClusters' | 'describeCluster';
export type Plan = 'Dedicated' | 'Serverless' | 'Free';
export type BackupType = 'CLUSTER' | 'COLLECTION';
export type CreationMethod = 'MANUAL' | 'AUTO';
export type BackupStatus = 'CREATING' | 'AVAILABLE' | 'DELETED';
export type JobOutcome = 'SUCCESSFUL' | 'FAILED' | 'CANCELED' | 'CANCELING';
export type JobStatus = 'PENDING' | 'IN_PROGRESS' | JobOutcome;
export type CollectionsField = 'collections' | 'dbCollections';

export interface ClusterInput {
  name: string;
  plan?: Plan;
  regionId?: string;
  projectId?: string;
  /** database name → collection names */
  databases?: Record<string, string[]>;
  /** Size in CUs (default 1). */
  cuSize?: number;
}

export interface Cluster {
  name: string;
  plan: Plan;
  regionId: string;
  projectId: string;
  databases: Record<string, string[]>;
  cuSize?: number;
  /** Set for a cluster made by Restore cluster: CREATING until this job has succeeded. */
  restoreJobId?: string;
  createdAt?: number;
}

export interface ExistingBackup {
  clusterId?: string;
  backupId?: string;
  backupName?: string;
  creationMethod?: CreationMethod;
  backupType?: BackupType;
  status?: 'CREATING' | 'AVAILABLE';
  /** A CREATING backup becomes AVAILABLE this long after configure/start (never if omitted). */
  finishAfterMs?: number;
  size?: number;
  /** createTime is this long before configure (default 0: now). */
  ageMs?: number;
  /** What it holds (default: the whole cluster, or the first collection for COLLECTION). */
  collections?: { dbName: string; collectionNames: string[] }[];
}

/** Text added to string fields of every API reply (a hostile or broken server). */
export interface Injection {
  text: string;
  /** Only these fields (any depth, `message` included); every string field when left out. */
  fields?: string[];
}

/** Many backups at once (see backlog.ts): `count` of them, one every `everyMs` back in time. */
export interface GeneratedBackups {
  count: number;
  clusterId?: string;
  /** Age step between two backups (default one day); the newest is `everyMs` old. */
  everyMs?: number;
  /** Mix in AUTO, COLLECTION and CREATING backups among the MANUAL CLUSTER ones (default false). */
  mixed?: boolean;
  size?: number;
}

/** At most `perSecond` requests in any second per endpoint and API key (429 beyond); false: off. */
export type RateLimit = { perSecond: number } | false;

type FaultRoute = RouteName | '*';

export type Fault =
  | {
      route: FaultRoute;
      times?: number;
      kind: 'status';
      status: number;
      retryAfter?: string;
      body?: string;
      contentType?: string;
    }
  | { route: FaultRoute; times?: number; kind: 'nonJson'; status?: number }
  | { route: FaultRoute; times?: number; kind: 'reset' }
  | { route: FaultRoute; times?: number; kind: 'hang' }
  | {
      route: 'createBackup' | 'restoreCollection' | 'restoreCluster' | 'deleteBackup';
      times?: number;
      kind: 'commitThenDrop';
    }
  | {
      route: FaultRoute;
      times?: number;
      kind: 'businessError';
      code: number;
      message: string;
      httpStatus?: number;
    }
  | { route: FaultRoute; times?: number; kind: 'delay'; delayMs: number }
  /**
   * Process the request, then reply HTTP 200 with this exact body (`{"code":0}` …), or with the
   * real reply less the `omit` fields of its data.
   */
  | { route: FaultRoute; times?: number; kind: 'commitThenReply'; body?: string; omit?: string[] }
  /**
   * Another workflow's backup (MANUAL unless said) appears as this request arrives; then the
   * request is reset before it is processed, processed and its reply dropped, refused as busy
   * (as if the other backup had still been running), or processed.
   */
  | {
      route: FaultRoute;
      times?: number;
      kind: 'foreignBackup';
      backup: ExistingBackup;
      then?: 'reset' | 'commitThenDrop' | 'busy' | 'process';
    };

export type FaultKind = Fault['kind'];

export interface Scenario {
  apiKey: string;
  clusters: Record<string, Cluster>;
  /** Job length from create to terminal status. */
  jobDurationMs: number;
  jobOutcome: JobOutcome;
  failureReason: string;
  /** After a SUCCESSFUL job the backup stays CREATING this long. */
  availableDelayMs: number;
  /** Every existing backup ever configured (they are created when configured). */
  existingBackups: ExistingBackup[];
  /** Every fault ever configured (the live queue is in faults.ts). */
  faults: Fault[];
  /** One-shot: the next create finds an AUTO backup already CREATING on its cluster. */
  autoBackupStartsOnCreate: boolean;
  /** Field name describe backup uses for the backed-up collections. */
  collectionsField: CollectionsField;
  /** RESTORE job length; jobDurationMs when unset. */
  restoreJobDurationMs?: number;
  /** Outcomes of the next RESTORE jobs, used up in order; SUCCESSFUL once empty. */
  restoreOutcomes: JobOutcome[];
  restoreFailureReason: string;
  rateLimit: RateLimit;
  /** What list backups puts in `count`. */
  countStyle: CountStyle;
  /** Text injected into the string fields of every API reply. */
  inject: Injection | undefined;
}

export interface ScenarioInput {
  apiKey?: string;
  clusters?: Record<string, ClusterInput>;
  jobDurationMs?: number;
  jobOutcome?: JobOutcome;
  failureReason?: string;
  availableDelayMs?: number;
  existingBackups?: ExistingBackup[];
  faults?: Fault[];
  autoBackupStartsOnCreate?: boolean;
  collectionsField?: CollectionsField;
  restoreJobDurationMs?: number;
  restoreOutcomes?: JobOutcome[];
  restoreFailureReason?: string;
  rateLimit?: RateLimit;
  /** Expanded into existingBackups when configured. */
  generateBackups?: GeneratedBackups;
  countStyle?: CountStyle;
  inject?: Injection;
}

export const DEFAULT_API_KEY = 'sim-key-0123456789abcdef';
export const DEFAULT_CLUSTER_ID = 'in01-3e5ad8adc38a1b2';
export const SERVERLESS_CLUSTER_ID = 'in03-5e2b7f0a9c4d1e6';
export const DEFAULT_PROJECT_ID = 'proj-4487580fcfe2c8a4391686';
export const DEFAULT_REGION_ID = 'aws-us-west-2';

export function defaultScenario(): Scenario {
  return {
    apiKey: DEFAULT_API_KEY,
    clusters: {
      [DEFAULT_CLUSTER_ID]: {
        name: 'Dedicated-01',
        plan: 'Dedicated',
        regionId: DEFAULT_REGION_ID,
        projectId: DEFAULT_PROJECT_ID,
        databases: { default: ['orders', 'items', 'users'], shop: ['orders', 'items'] },
      },
      [SERVERLESS_CLUSTER_ID]: {
        name: 'Serverless-01',
        plan: 'Serverless',
        regionId: 'gcp-us-west1',
        projectId: DEFAULT_PROJECT_ID,
        databases: { default: ['docs'] },
      },
    },
    jobDurationMs: 3000,
    jobOutcome: 'SUCCESSFUL',
    failureReason: 'Insufficient storage quota for backup.',
    availableDelayMs: 0,
    existingBackups: [],
    faults: [],
    autoBackupStartsOnCreate: false,
    collectionsField: DEFAULT_COLLECTIONS_FIELD,
    restoreOutcomes: [],
    restoreFailureReason:
      'Failed to restore collection: insufficient resources on the target cluster.',
    rateLimit: DEFAULT_RATE_LIMIT,
    countStyle: 'total',
    inject: undefined,
  };
}

/** Settings replace; clusters merge by id; existingBackups and faults append. */
export function mergeScenario(base: Scenario, input: ScenarioInput): Scenario {
  const clusters = { ...base.clusters };
  for (const [id, c] of Object.entries(input.clusters ?? {})) {
    const prev = clusters[id];
    clusters[id] = {
      name: c.name,
      plan: c.plan ?? prev?.plan ?? 'Dedicated',
      regionId: c.regionId ?? prev?.regionId ?? DEFAULT_REGION_ID,
      projectId: c.projectId ?? prev?.projectId ?? DEFAULT_PROJECT_ID,
      // A copy: restores change it, and the caller's scenario may start the next simulator.
      databases: structuredClone(c.databases ?? prev?.databases ?? { default: [] }),
      cuSize: c.cuSize ?? prev?.cuSize,
    };
  }
  return {
    apiKey: input.apiKey ?? base.apiKey,
    clusters,
    jobDurationMs: input.jobDurationMs ?? base.jobDurationMs,
    jobOutcome: input.jobOutcome ?? base.jobOutcome,
    failureReason: input.failureReason ?? base.failureReason,
    availableDelayMs: input.availableDelayMs ?? base.availableDelayMs,
    existingBackups: [...base.existingBackups, ...(input.existingBackups ?? [])],
    faults: [...base.faults, ...(input.faults ?? [])],
    autoBackupStartsOnCreate: input.autoBackupStartsOnCreate ?? base.autoBackupStartsOnCreate,
    collectionsField: input.collectionsField ?? base.collectionsField,
    restoreJobDurationMs: input.restoreJobDurationMs ?? base.restoreJobDurationMs,
    restoreOutcomes: [...(input.restoreOutcomes ?? base.restoreOutcomes)],
    restoreFailureReason: input.restoreFailureReason ?? base.restoreFailureReason,
    rateLimit: input.rateLimit ?? base.rateLimit,
    countStyle: input.countStyle ?? base.countStyle,
    inject: input.inject ?? base.inject,
  };
}

const OUTCOMES: readonly string[] = ['SUCCESSFUL', 'FAILED', 'CANCELED', 'CANCELING'];
const FAULT_KINDS: readonly string[] = [
  'status',
  'nonJson',
  'reset',
  'hang',
  'commitThenDrop',
  'businessError',
  'delay',
  'commitThenReply',
  'foreignBackup',
];
const ROUTES: readonly string[] = [
  'createBackup',
  'describeJob',
  'describeBackup',
  'listBackups',
  'restoreCollection',
  'restoreCluster',
  'listClusters',
  'describeCluster',
  'deleteBackup',
  '*',
];

/** Light shape check for scenarios that arrive as JSON (file, admin route); throws on nonsense. */
export function checkScenarioInput(value: unknown): ScenarioInput {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new Error('scenario must be a JSON object');
  }
  const s = value as Record<string, unknown>;
  for (const key of ['jobDurationMs', 'availableDelayMs', 'restoreJobDurationMs']) {
    const n = s[key];
    if (n !== undefined && (typeof n !== 'number' || !(n >= 0))) {
      throw new Error(`scenario.${key} must be a number >= 0`);
    }
  }
  if (s.jobOutcome !== undefined && !OUTCOMES.includes(String(s.jobOutcome))) {
    throw new Error(`scenario.jobOutcome must be one of ${OUTCOMES.join(', ')}`);
  }
  if (s.clusters !== undefined) {
    if (typeof s.clusters !== 'object' || s.clusters === null) {
      throw new Error('scenario.clusters must be an object');
    }
    for (const [id, c] of Object.entries(s.clusters)) {
      if (typeof (c as { name?: unknown } | null)?.name !== 'string') {
        throw new Error(`scenario.clusters.${id}.name must be a string`);
      }
    }
  }
  for (const o of (Array.isArray(s.restoreOutcomes) ? s.restoreOutcomes : []) as unknown[]) {
    if (!OUTCOMES.includes(String(o))) {
      throw new Error(`scenario.restoreOutcomes: each must be one of ${OUTCOMES.join(', ')}`);
    }
  }
  for (const key of ['existingBackups', 'faults', 'restoreOutcomes']) {
    if (s[key] !== undefined && !Array.isArray(s[key])) {
      throw new Error(`scenario.${key} must be an array`);
    }
  }
  const limit = s.rateLimit as { perSecond?: unknown } | false | undefined;
  if (limit !== undefined && limit !== false && !(Number(limit?.perSecond) >= 1)) {
    throw new Error('scenario.rateLimit must be false or {"perSecond": N} with N >= 1');
  }
  const generate = s.generateBackups as { count?: unknown } | undefined;
  if (
    generate !== undefined &&
    !(Number.isInteger(generate?.count) && Number(generate?.count) >= 0)
  ) {
    throw new Error('scenario.generateBackups.count must be an integer >= 0');
  }
  for (const f of (s.faults ?? []) as Record<string, unknown>[]) {
    if (!FAULT_KINDS.includes(String(f?.kind)) || !ROUTES.includes(String(f?.route))) {
      throw new Error(`invalid fault ${JSON.stringify(f)}: needs route and kind`);
    }
    if (f.times !== undefined && !(typeof f.times === 'number' && f.times >= 1)) {
      throw new Error(`invalid fault ${JSON.stringify(f)}: times must be >= 1`);
    }
  }
  return s as ScenarioInput;
}
