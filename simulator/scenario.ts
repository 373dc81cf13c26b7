// Scenario: the simulated world (clusters, job timing, outcomes, faults) and its defaults.
import { DEFAULT_COLLECTIONS_FIELD, DEFAULT_RATE_LIMIT, type CountStyle } from './quirks.ts';

/** Routes of the control plane (api.cloud.zilliz.com). */
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
/** Routes of a cluster's own endpoint (Milvus REST v2, see dataplane.ts). */
export type DataRouteName =
  'collectionsHas' | 'collectionsList' | 'collectionsDescribe' | 'collectionsGetStats';
export const DATA_ROUTES: readonly DataRouteName[] = [
  'collectionsHas',
  'collectionsList',
  'collectionsDescribe',
  'collectionsGetStats',
];
export type Plan = 'Dedicated' | 'Serverless' | 'Free';
export type BackupType = 'CLUSTER' | 'COLLECTION';
export type CreationMethod = 'MANUAL' | 'AUTO';
export type BackupStatus = 'CREATING' | 'AVAILABLE' | 'DELETED';
export type JobOutcome = 'SUCCESSFUL' | 'FAILED' | 'CANCELED' | 'CANCELING';
export type JobStatus = 'PENDING' | 'IN_PROGRESS' | JobOutcome;
export type CollectionsField = 'collections' | 'dbCollections';

/**
 * How the cluster's own endpoint can be reached. `public`: connectAddress is a real server of
 * its own on loopback. `privateLinkOnly`: connectAddress empty, privateLinkAddress set to an
 * address that never resolves. `none`: no address at all. `refused`: connectAddress is a
 * loopback port nothing listens on.
 */
export type EndpointMode = 'public' | 'privateLinkOnly' | 'none' | 'refused';

/** Which spelling of the contested restore fields (`*CollectionName`, `*CollectionStatus`)
 *  Restore collection honours: both (default), only `dest*` or only `target*`. */
export type RestoreFieldSpelling = 'both' | 'dest' | 'target';

export interface ClusterInput {
  name: string;
  plan?: Plan;
  regionId?: string;
  projectId?: string;
  /** database name → collection names */
  databases?: Record<string, string[]>;
  /** database name → collection name → row count; a collection left out has DEFAULT_ROW_COUNT. */
  rowCounts?: Record<string, Record<string, number>>;
  /** Size in CUs (default 1). */
  cuSize?: number;
  /** How its endpoint is reached (default `public`). */
  endpoint?: EndpointMode;
  /** A BYOC cluster: its endpoint refuses the API key (401), only username:password works. */
  byoc?: boolean;
  /** `username:password` tokens its endpoint accepts (default none: only the API key). */
  credentials?: string[];
  /** `code` of a successful endpoint reply: 0, or 200 as older Milvus versions answered. */
  successCode?: 0 | 200;
}

/** A collection being restored: its name is taken from the start, it exists once the job
 *  succeeds (with these rows), and it is gone if the job fails. */
export interface RestoringCollection {
  dbName: string;
  collectionName: string;
  jobId: string;
  rowCount: number;
  loaded: boolean;
}

export interface Cluster {
  name: string;
  plan: Plan;
  regionId: string;
  projectId: string;
  /** database name → collection names, names taken by restores still running included. */
  databases: Record<string, string[]>;
  /** database name → collection name → row count (collections that exist). */
  rowCounts: Record<string, Record<string, number>>;
  /** database name → collections that are not loaded (released). */
  released: Record<string, string[]>;
  /** Restores into this cluster whose job has not ended yet. */
  restoring: RestoringCollection[];
  cuSize?: number;
  endpoint: EndpointMode;
  byoc: boolean;
  credentials: string[];
  successCode: 0 | 200;
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
  /**
   * Describe backup's collections field exactly as given (a broken or hostile server: names
   * that are not names, entries of the wrong type …) instead of what it holds.
   */
  describeCollections?: unknown;
  /** The `size` field exactly as given (a negative number, a string …) instead of the bytes. */
  rawSize?: unknown;
  /** Rows it recorded per database and collection (default: the cluster's counts now). */
  rowCounts?: Record<string, Record<string, number>>;
}

/** How List backups misbehaves (each is off by default). */
export interface ListQuirks {
  /** Pages hold at most this many entries, whatever pageSize asks (offsets follow). */
  maxPerPage?: number;
  /** Every entry is listed twice in a row (count includes the repeats). */
  duplicateEntries?: boolean;
  /** The clusterId filter is ignored: backups of every cluster are listed. */
  ignoreClusterFilter?: boolean;
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

/** A route; `*`: any control-plane route; `collections*`: any route of a cluster's endpoint. */
export type FaultRoute = RouteName | DataRouteName | '*' | 'collections*';

/* Every fault hits the next `times` (default 1) requests of its `route`, after letting the
 * first `skip` (default 0) of them through; with `clusterId`, only requests to that cluster's
 * endpoint (endpoint routes only). */
export type Fault = FaultKindSpec & { skip?: number };

type FaultKindSpec =
  | {
      route: FaultRoute;
      times?: number;
      clusterId?: string;
      kind: 'status';
      status: number;
      retryAfter?: string;
      body?: string;
      contentType?: string;
    }
  | { route: FaultRoute; times?: number; clusterId?: string; kind: 'nonJson'; status?: number }
  | { route: FaultRoute; times?: number; clusterId?: string; kind: 'reset' }
  | { route: FaultRoute; times?: number; clusterId?: string; kind: 'hang' }
  | {
      route: 'createBackup' | 'restoreCollection' | 'restoreCluster' | 'deleteBackup';
      times?: number;
      kind: 'commitThenDrop';
    }
  | {
      route: FaultRoute;
      times?: number;
      clusterId?: string;
      kind: 'businessError';
      code: number;
      message: string;
      httpStatus?: number;
    }
  | { route: FaultRoute; times?: number; clusterId?: string; kind: 'delay'; delayMs: number }
  /**
   * Process the request, then reply HTTP 200 with this exact body (`{"code":0}` …), or with the
   * real reply less the `omit` fields of its data.
   */
  | {
      route: FaultRoute;
      times?: number;
      clusterId?: string;
      kind: 'commitThenReply';
      body?: string;
      omit?: string[];
    }
  /**
   * Another workflow's backup (MANUAL unless said) appears as this request arrives; then the
   * request is reset before it is processed, processed and its reply dropped, refused as busy
   * (as if the other backup had still been running), or processed.
   */
  | {
      route: FaultRoute;
      times?: number;
      clusterId?: string;
      kind: 'foreignBackup';
      backup: ExistingBackup;
      then?: 'reset' | 'commitThenDrop' | 'busy' | 'process';
    }
  /**
   * A cluster made by someone else (another project, another workflow) appears as this request
   * arrives; then the request is processed, or processed and its reply dropped.
   */
  | {
      route: FaultRoute;
      times?: number;
      clusterId?: string;
      kind: 'foreignCluster';
      newClusterId: string;
      cluster: ClusterInput;
      then?: 'commitThenDrop' | 'process';
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
  /** How List backups misbehaves. */
  listQuirks: ListQuirks;
  /** Text injected into the string fields of every API reply. */
  inject: Injection | undefined;
  /** Which spelling of the contested restore fields Restore collection honours. */
  restoreFieldSpelling: RestoreFieldSpelling;
  /** With one spelling honoured: the other one is ignored (as if absent) or refused. */
  otherSpelling: 'ignore' | 'refuse';
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
  listQuirks?: ListQuirks;
  inject?: Injection;
  restoreFieldSpelling?: RestoreFieldSpelling;
  otherSpelling?: 'ignore' | 'refuse';
}

export const DEFAULT_API_KEY = 'sim-key-0123456789abcdef';
export const DEFAULT_CLUSTER_ID = 'in01-3e5ad8adc38a1b2';
export const SERVERLESS_CLUSTER_ID = 'in03-5e2b7f0a9c4d1e6';
export const DEFAULT_PROJECT_ID = 'proj-4487580fcfe2c8a4391686';
export const DEFAULT_REGION_ID = 'aws-us-west-2';
/** Rows of a collection whose count the scenario does not give. */
export const DEFAULT_ROW_COUNT = 1000;

/** A cluster's collections, with every other setting at its default. */
function clusterDefaults(
  databases: Record<string, string[]>,
  rowCounts: Record<string, Record<string, number>>,
): Omit<Cluster, 'name' | 'plan' | 'regionId' | 'projectId'> {
  return {
    databases,
    rowCounts,
    released: {},
    restoring: [],
    endpoint: 'public',
    byoc: false,
    credentials: [],
    successCode: 0,
  };
}

export function defaultScenario(): Scenario {
  return {
    apiKey: DEFAULT_API_KEY,
    clusters: {
      [DEFAULT_CLUSTER_ID]: {
        name: 'Dedicated-01',
        plan: 'Dedicated',
        regionId: DEFAULT_REGION_ID,
        projectId: DEFAULT_PROJECT_ID,
        ...clusterDefaults(
          { default: ['orders', 'items', 'users'], shop: ['orders', 'items'] },
          {
            default: { orders: 120_000, items: 3_400, users: 560 },
            shop: { orders: 80_000, items: 1_200 },
          },
        ),
      },
      [SERVERLESS_CLUSTER_ID]: {
        name: 'Serverless-01',
        plan: 'Serverless',
        regionId: 'gcp-us-west1',
        projectId: DEFAULT_PROJECT_ID,
        ...clusterDefaults({ default: ['docs'] }, { default: { docs: 250 } }),
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
    listQuirks: {},
    inject: undefined,
    restoreFieldSpelling: 'both',
    otherSpelling: 'ignore',
  };
}

/** Row counts of every collection in `databases`: given, else as before, else the default. */
function fillRowCounts(
  databases: Record<string, string[]>,
  given: Record<string, Record<string, number>> | undefined,
  prev: Record<string, Record<string, number>> | undefined,
): Record<string, Record<string, number>> {
  const counts: Record<string, Record<string, number>> = {};
  for (const [db, names] of Object.entries(databases)) {
    counts[db] = {};
    for (const name of names) {
      counts[db][name] = given?.[db]?.[name] ?? prev?.[db]?.[name] ?? DEFAULT_ROW_COUNT;
    }
  }
  return counts;
}

/** Settings replace; clusters merge by id; existingBackups and faults append. */
export function mergeScenario(base: Scenario, input: ScenarioInput): Scenario {
  const clusters = { ...base.clusters };
  for (const [id, c] of Object.entries(input.clusters ?? {})) {
    const prev = clusters[id];
    // A copy: restores change it, and the caller's scenario may start the next simulator.
    const databases = structuredClone(c.databases ?? prev?.databases ?? { default: [] });
    for (const [db, names] of Object.entries(c.rowCounts ?? {})) {
      const missing = Object.keys(names).find((n) => !databases[db]?.includes(n));
      if (missing !== undefined) {
        throw new Error(`scenario.clusters.${id}.rowCounts: ${db}.${missing} is not in databases`);
      }
    }
    clusters[id] = {
      ...prev,
      name: c.name,
      plan: c.plan ?? prev?.plan ?? 'Dedicated',
      regionId: c.regionId ?? prev?.regionId ?? DEFAULT_REGION_ID,
      projectId: c.projectId ?? prev?.projectId ?? DEFAULT_PROJECT_ID,
      databases,
      rowCounts: fillRowCounts(databases, c.rowCounts, prev?.rowCounts),
      released: c.databases ? {} : (prev?.released ?? {}),
      restoring: c.databases ? [] : (prev?.restoring ?? []),
      cuSize: c.cuSize ?? prev?.cuSize,
      endpoint: c.endpoint ?? prev?.endpoint ?? 'public',
      byoc: c.byoc ?? prev?.byoc ?? false,
      credentials: [...(c.credentials ?? prev?.credentials ?? [])],
      successCode: c.successCode ?? prev?.successCode ?? 0,
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
    listQuirks: { ...base.listQuirks, ...input.listQuirks },
    inject: input.inject ?? base.inject,
    restoreFieldSpelling: input.restoreFieldSpelling ?? base.restoreFieldSpelling,
    otherSpelling: input.otherSpelling ?? base.otherSpelling,
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
  'foreignCluster',
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
  ...DATA_ROUTES,
  'collections*',
];
const ENDPOINT_MODES: readonly string[] = ['public', 'privateLinkOnly', 'none', 'refused'];
const SPELLINGS: readonly string[] = ['both', 'dest', 'target'];

function checkCluster(id: string, value: unknown): void {
  const c = (typeof value === 'object' && value !== null ? value : {}) as Record<string, unknown>;
  const where = `scenario.clusters.${id}`;
  if (typeof c.name !== 'string') throw new Error(`${where}.name must be a string`);
  if (c.endpoint !== undefined && !ENDPOINT_MODES.includes(String(c.endpoint))) {
    throw new Error(`${where}.endpoint must be one of ${ENDPOINT_MODES.join(', ')}`);
  }
  const credentials = c.credentials;
  if (
    credentials !== undefined &&
    !(Array.isArray(credentials) && credentials.every((t) => /^[^:]+:./.test(String(t))))
  ) {
    throw new Error(`${where}.credentials must be a list of "username:password"`);
  }
  if (c.successCode !== undefined && c.successCode !== 0 && c.successCode !== 200) {
    throw new Error(`${where}.successCode must be 0 or 200`);
  }
  for (const counts of Object.values((c.rowCounts ?? {}) as Record<string, unknown>)) {
    const bad = Object.values((counts ?? {}) as Record<string, unknown>).find(
      (n) => !(Number.isInteger(n) && (n as number) >= 0),
    );
    if (bad !== undefined) throw new Error(`${where}.rowCounts: counts must be integers >= 0`);
  }
}

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
    for (const [id, c] of Object.entries(s.clusters)) checkCluster(id, c);
  }
  if (s.restoreFieldSpelling !== undefined && !SPELLINGS.includes(String(s.restoreFieldSpelling))) {
    throw new Error(`scenario.restoreFieldSpelling must be one of ${SPELLINGS.join(', ')}`);
  }
  if (
    s.otherSpelling !== undefined &&
    s.otherSpelling !== 'ignore' &&
    s.otherSpelling !== 'refuse'
  ) {
    throw new Error('scenario.otherSpelling must be ignore or refuse');
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
    if (f.skip !== undefined && !(Number.isInteger(f.skip) && Number(f.skip) >= 0)) {
      throw new Error(`invalid fault ${JSON.stringify(f)}: skip must be an integer >= 0`);
    }
    const endpointRoute = f.route === 'collections*' || DATA_ROUTES.includes(f.route as never);
    if (f.clusterId !== undefined && !(typeof f.clusterId === 'string' && endpointRoute)) {
      throw new Error(
        `invalid fault ${JSON.stringify(f)}: clusterId is a string, for endpoint routes only`,
      );
    }
  }
  return s as ScenarioInput;
}
