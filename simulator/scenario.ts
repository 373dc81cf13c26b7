// Scenario: the simulated world (clusters, job timing, outcomes, faults) and its defaults.
import { DEFAULT_COLLECTIONS_FIELD, type CountStyle } from './quirks.ts';

export type RouteName = 'createBackup' | 'describeJob' | 'describeBackup' | 'listBackups';
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
}

export interface Cluster {
  name: string;
  plan: Plan;
  regionId: string;
  projectId: string;
  databases: Record<string, string[]>;
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
  /** What a COLLECTION backup holds (default: the first collection of the first database). */
  collections?: { dbName?: string; collectionNames: string[] };
}

/** Text added to string fields of every API reply (a hostile or broken server). */
export interface Injection {
  text: string;
  /** Only these fields (any depth, `message` included); every string field when left out. */
  fields?: string[];
}

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
  | { route: 'createBackup'; times?: number; kind: 'commitThenDrop' }
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
      databases: c.databases ?? prev?.databases ?? { default: [] },
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
  '*',
];

/** Light shape check for scenarios that arrive as JSON (file, admin route); throws on nonsense. */
export function checkScenarioInput(value: unknown): ScenarioInput {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new Error('scenario must be a JSON object');
  }
  const s = value as Record<string, unknown>;
  for (const key of ['jobDurationMs', 'availableDelayMs']) {
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
  for (const key of ['existingBackups', 'faults']) {
    if (s[key] !== undefined && !Array.isArray(s[key])) {
      throw new Error(`scenario.${key} must be an array`);
    }
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
