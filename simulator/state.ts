// Clusters, backups and jobs. Statuses are derived from wall-clock time whenever they are read.
import { randomBytes, randomInt } from 'node:crypto';
import {
  BACKUP_STATUS_AFTER_FAILED_JOB,
  DEFAULT_DATABASE,
  DELETED_BACKUP_STATUS,
  END_TIME_WHILE_RUNNING,
  backupSizeBytes,
  expireTime,
  isoSeconds,
  jobProgress,
  jobReason,
  jobStatusAt,
} from './quirks.ts';
import { generateBackups } from './backlog.ts';
import {
  DEFAULT_CLUSTER_ID,
  DEFAULT_ROW_COUNT,
  defaultScenario,
  mergeScenario,
} from './scenario.ts';
import type {
  BackupStatus,
  BackupType,
  Cluster,
  ClusterInput,
  CreationMethod,
  ExistingBackup,
  JobOutcome,
  JobStatus,
  RestoringCollection,
  Scenario,
  ScenarioInput,
} from './scenario.ts';

export interface DbCollections {
  dbName: string;
  collectionNames: string[];
}

/** database name → collection name → row count */
export type RowCounts = Record<string, Record<string, number>>;

/** A collection as the cluster's endpoint shows it. */
export interface SimCollection {
  collectionName: string;
  rowCount: number;
  loaded: boolean;
}

export interface SimBackup {
  backupId: string;
  backupName: string;
  clusterId: string;
  clusterName: string;
  projectId: string;
  regionId: string;
  backupType: BackupType;
  creationMethod: CreationMethod;
  status: BackupStatus;
  size: number;
  createTime: string;
  expireTime: string;
  collections: DbCollections[];
  crossRegionCopies: { regionId: string }[];
  /** Rows of each collection when the backup was requested (not shown by Describe backup). */
  rowCounts: RowCounts;
  /** Set for backups created through the API. */
  jobId?: string;
  createdAt: number;
  /** Replaces what Describe backup says it holds (see ExistingBackup). */
  describeCollections?: unknown;
  /** Replaces `size` in the list and Describe backup (see ExistingBackup). */
  rawSize?: unknown;
}

export type JobType = 'BACKUP' | 'RESTORE';

export interface SimJob {
  jobId: string;
  type: JobType;
  status: JobStatus;
  progress: string;
  startTime: string;
  endTime: string;
  reason: string;
  clusterId: string;
  backupId: string;
  createdAt: number;
  durationMs: number;
  outcome: JobOutcome;
}

interface JobRecord {
  jobId: string;
  /** BACKUP when absent. */
  type?: JobType;
  clusterId: string;
  backupId: string;
  createdAt: number;
  durationMs: number;
  outcome: JobOutcome;
  failureReason: string;
}

interface BackupRecord {
  backupId: string;
  backupName: string;
  clusterId: string;
  backupType: BackupType;
  creationMethod: CreationMethod;
  createdAt: number;
  collections: DbCollections[];
  crossRegionCopies: { regionId: string }[];
  rowCounts: RowCounts;
  describeCollections?: unknown;
  rawSize?: unknown;
  /** Backups with a job follow it; the others use initialStatus and readyAt. */
  jobId?: string;
  availableDelayMs: number;
  initialStatus: 'CREATING' | 'AVAILABLE';
  readyAt?: number;
  size?: number;
  /** Set by a delete: from then on the backup is DELETED. */
  deletedAt?: number;
}

const JOB_ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789';

function newJobId(): string {
  let id = 'job-';
  for (let i = 0; i < 22; i++) id += JOB_ALPHABET[randomInt(JOB_ALPHABET.length)];
  return id;
}

/** The collections of a database that exist (restores still running left out); undefined
 *  when the database does not exist (`default` always does). */
export function liveNames(cluster: Cluster, dbName: string): string[] | undefined {
  const names = Object.hasOwn(cluster.databases, dbName) ? cluster.databases[dbName] : undefined;
  if (!names) return dbName === DEFAULT_DATABASE ? [] : undefined;
  return names.filter(
    (n) => !cluster.restoring.some((r) => r.dbName === dbName && r.collectionName === n),
  );
}

/** Every collection of a cluster that exists, grouped by database. */
export function allCollections(cluster: Cluster): DbCollections[] {
  return Object.keys(cluster.databases)
    .map((dbName) => ({ dbName, collectionNames: liveNames(cluster, dbName) ?? [] }))
    .filter((c) => c.collectionNames.length > 0);
}

/** The rows of these collections: as given, else in the cluster now, else DEFAULT_ROW_COUNT. */
function countRows(
  cluster: Cluster | undefined,
  collections: DbCollections[],
  given?: RowCounts,
): RowCounts {
  const counts: RowCounts = {};
  for (const { dbName, collectionNames } of collections) {
    const db = (counts[dbName] ??= {});
    for (const name of collectionNames) {
      db[name] = given?.[dbName]?.[name] ?? cluster?.rowCounts[dbName]?.[name] ?? DEFAULT_ROW_COUNT;
    }
  }
  return counts;
}

export class SimState {
  scenario: Scenario = defaultScenario();
  private readonly backupRecords: BackupRecord[] = [];
  private readonly jobRecords = new Map<string, JobRecord>();
  private readonly counters = new Map<string, number>();

  /** Merge settings; existing backups are created now. Throws (changing nothing) on bad input. */
  configure(given: ScenarioInput, now: number): void {
    const { generateBackups: generated, ...rest } = given;
    const input: ScenarioInput = generated
      ? {
          ...rest,
          existingBackups: [...(rest.existingBackups ?? []), ...generateBackups(generated)],
        }
      : rest;
    const next = mergeScenario(this.scenario, input);
    for (const spec of input.existingBackups ?? []) {
      const clusterId = spec.clusterId ?? DEFAULT_CLUSTER_ID;
      if (!next.clusters[clusterId])
        throw new Error(`existing backup: unknown cluster ${clusterId}`);
    }
    this.scenario = next;
    for (const spec of input.existingBackups ?? []) this.addExisting(spec, now);
  }

  /** A cluster someone else made appears now. */
  addCluster(clusterId: string, input: ClusterInput, now: number): void {
    this.scenario = mergeScenario(this.scenario, { clusters: { [clusterId]: input } });
    (this.scenario.clusters[clusterId] as Cluster).createdAt = now;
  }

  cluster(clusterId: string): Cluster | undefined {
    return Object.hasOwn(this.scenario.clusters, clusterId)
      ? this.scenario.clusters[clusterId]
      : undefined;
  }

  backups(now: number): SimBackup[] {
    return this.backupRecords.map((r) => this.backupView(r, now));
  }

  backup(clusterId: string, backupId: string, now: number): SimBackup | undefined {
    const r = this.backupRecords.find((b) => b.backupId === backupId && b.clusterId === clusterId);
    return r && this.backupView(r, now);
  }

  jobs(now: number): SimJob[] {
    return [...this.jobRecords.values()].map((r) => jobView(r, now));
  }

  job(jobId: string, now: number): SimJob | undefined {
    const r = this.jobRecords.get(jobId);
    return r && jobView(r, now);
  }

  /** The CREATING backup of that kind on the cluster, if any. */
  creating(clusterId: string, method: CreationMethod, now: number): SimBackup | undefined {
    return this.backups(now).find(
      (b) => b.clusterId === clusterId && b.creationMethod === method && b.status === 'CREATING',
    );
  }

  createManualBackup(
    clusterId: string,
    backupType: BackupType,
    collections: DbCollections[],
    crossRegionCopies: { regionId: string }[],
    now: number,
  ): { backup: SimBackup; job: SimJob } {
    const { backupId, backupName } = this.newNames(clusterId);
    const jobId = newJobId();
    const s = this.scenario;
    this.jobRecords.set(jobId, {
      jobId,
      clusterId,
      backupId,
      createdAt: now,
      durationMs: s.jobDurationMs,
      outcome: s.jobOutcome,
      failureReason: s.failureReason,
    });
    const record: BackupRecord = {
      backupId,
      backupName,
      clusterId,
      backupType,
      creationMethod: 'MANUAL',
      createdAt: now,
      collections,
      crossRegionCopies,
      rowCounts: countRows(this.cluster(clusterId), collections),
      jobId,
      availableDelayMs: s.availableDelayMs,
      initialStatus: 'CREATING',
    };
    this.backupRecords.push(record);
    return { backup: this.backupView(record, now), job: jobView(this.jobRecords.get(jobId)!, now) };
  }

  /** A RESTORE job: the scenario's next restore outcome, on the restore timeline. */
  startRestoreJob(clusterId: string, backupId: string, now: number): SimJob {
    const s = this.scenario;
    const jobId = newJobId();
    this.jobRecords.set(jobId, {
      jobId,
      type: 'RESTORE',
      clusterId,
      backupId,
      createdAt: now,
      durationMs: s.restoreJobDurationMs ?? s.jobDurationMs,
      outcome: s.restoreOutcomes.shift() ?? 'SUCCESSFUL',
      failureReason: s.restoreFailureReason,
    });
    return jobView(this.jobRecords.get(jobId)!, now);
  }

  /** A restore into the cluster starts: the target name is taken now (see settle). */
  startRestoreInto(clusterId: string, restoring: RestoringCollection): void {
    const cluster = this.cluster(clusterId)!;
    const names = (cluster.databases[restoring.dbName] ??= []);
    names.push(restoring.collectionName);
    cluster.restoring.push(restoring);
  }

  /**
   * Brings the collections up to date with the restore jobs that have ended by `now`: a
   * SUCCESSFUL job's collection exists with the backup's rows; a failed one's name is freed.
   */
  settle(now: number): void {
    for (const cluster of Object.values(this.scenario.clusters)) {
      cluster.restoring = cluster.restoring.filter((r) => {
        const status = this.job(r.jobId, now)?.status;
        if (status === 'SUCCESSFUL') {
          this.setRows(cluster, r.dbName, r.collectionName, r.rowCount, r.loaded);
        } else if (status === 'FAILED' || status === 'CANCELED') {
          const names = cluster.databases[r.dbName] ?? [];
          cluster.databases[r.dbName] = names.filter((n) => n !== r.collectionName);
        } else {
          return true;
        }
        return false;
      });
    }
  }

  /** What the cluster's endpoint lists in a database (undefined: no such database). */
  collections(clusterId: string, dbName: string): SimCollection[] | undefined {
    const cluster = this.cluster(clusterId);
    const names = cluster && liveNames(cluster, dbName);
    return names?.map((collectionName) => ({
      collectionName,
      rowCount: cluster!.rowCounts[dbName]?.[collectionName] ?? 0,
      loaded: !cluster!.released[dbName]?.includes(collectionName),
    }));
  }

  /** Creates the collection, or changes its rows (and load state). */
  putCollection(clusterId: string, dbName: string, c: SimCollection): void {
    const cluster = this.cluster(clusterId);
    if (!cluster) throw new Error(`unknown cluster ${clusterId}`);
    const names = (cluster.databases[dbName] ??= []);
    if (!names.includes(c.collectionName)) names.push(c.collectionName);
    this.setRows(cluster, dbName, c.collectionName, c.rowCount, c.loaded);
  }

  /** Drops the collection (as if someone had dropped it on the cluster). */
  dropCollection(clusterId: string, dbName: string, collectionName: string): void {
    const cluster = this.cluster(clusterId);
    if (!cluster) throw new Error(`unknown cluster ${clusterId}`);
    cluster.databases[dbName] = (cluster.databases[dbName] ?? []).filter(
      (n) => n !== collectionName,
    );
    delete cluster.rowCounts[dbName]?.[collectionName];
    cluster.released[dbName] = (cluster.released[dbName] ?? []).filter((n) => n !== collectionName);
  }

  private setRows(
    cluster: Cluster,
    dbName: string,
    name: string,
    rowCount: number,
    loaded: boolean,
  ): void {
    (cluster.rowCounts[dbName] ??= {})[name] = rowCount;
    const released = (cluster.released[dbName] ?? []).filter((n) => n !== name);
    cluster.released[dbName] = loaded ? released : [...released, name];
  }

  /** An automatic backup starts now and lasts one job duration (no job is visible for it). */
  startAutoBackup(clusterId: string, now: number): void {
    this.addExisting(
      {
        clusterId,
        creationMethod: 'AUTO',
        status: 'CREATING',
        finishAfterMs: this.scenario.jobDurationMs,
      },
      now,
    );
  }

  /** A delete: the backup is DELETED from now on (describe says so; the list leaves it out). */
  markDeleted(clusterId: string, backupId: string, now: number): void {
    const r = this.backupRecords.find((b) => b.backupId === backupId && b.clusterId === clusterId);
    if (r) r.deletedAt = now;
  }

  /** Another workflow's backup appears now (MANUAL unless the spec says otherwise). */
  addForeign(spec: ExistingBackup, now: number): void {
    this.addExisting({ creationMethod: 'MANUAL', ...spec }, now);
  }

  private addExisting(spec: ExistingBackup, now: number): void {
    const clusterId = spec.clusterId ?? DEFAULT_CLUSTER_ID;
    const cluster = this.cluster(clusterId)!;
    const names = this.newNames(clusterId);
    const backupType = spec.backupType ?? 'CLUSTER';
    const all = allCollections(cluster);
    const first = all[0];
    const collections =
      spec.collections ??
      (backupType === 'CLUSTER' || !first
        ? all
        : [{ dbName: first.dbName, collectionNames: first.collectionNames.slice(0, 1) }]);
    this.backupRecords.push({
      backupId: spec.backupId ?? names.backupId,
      backupName: spec.backupName ?? names.backupName,
      clusterId,
      backupType,
      creationMethod: spec.creationMethod ?? 'AUTO',
      createdAt: now - (spec.ageMs ?? 0),
      collections,
      crossRegionCopies: [],
      rowCounts: countRows(cluster, collections, spec.rowCounts),
      availableDelayMs: 0,
      initialStatus: spec.status ?? 'AVAILABLE',
      readyAt: spec.finishAfterMs === undefined ? undefined : now + spec.finishAfterMs,
      size: spec.size,
      describeCollections: spec.describeCollections,
      rawSize: spec.rawSize,
    });
  }

  private newNames(clusterId: string): { backupId: string; backupName: string } {
    const n = (this.counters.get(clusterId) ?? 0) + 1;
    this.counters.set(clusterId, n);
    const name = this.cluster(clusterId)?.name ?? clusterId;
    return {
      backupId: `backup${n}_${randomBytes(8).toString('hex').slice(0, 15)}`,
      backupName: `${name}_backup${n}`,
    };
  }

  private backupView(r: BackupRecord, now: number): SimBackup {
    const status = this.backupStatus(r, now);
    const cluster = this.cluster(r.clusterId);
    const collectionCount = r.collections.reduce((n, c) => n + c.collectionNames.length, 0);
    return {
      backupId: r.backupId,
      backupName: r.backupName,
      clusterId: r.clusterId,
      clusterName: cluster?.name ?? '',
      projectId: cluster?.projectId ?? '',
      regionId: cluster?.regionId ?? '',
      backupType: r.backupType,
      creationMethod: r.creationMethod,
      status,
      size: status === 'AVAILABLE' ? (r.size ?? backupSizeBytes(collectionCount)) : 0,
      createTime: isoSeconds(r.createdAt),
      expireTime: expireTime(r.creationMethod, r.createdAt),
      collections: r.collections.map((c) => ({ ...c, collectionNames: [...c.collectionNames] })),
      crossRegionCopies: r.crossRegionCopies.map((c) => ({ ...c })),
      rowCounts: structuredClone(r.rowCounts),
      ...(r.jobId === undefined ? {} : { jobId: r.jobId }),
      createdAt: r.createdAt,
      ...(r.describeCollections === undefined
        ? {}
        : { describeCollections: r.describeCollections }),
      ...(r.rawSize === undefined ? {} : { rawSize: r.rawSize }),
    };
  }

  private backupStatus(r: BackupRecord, now: number): BackupStatus {
    if (r.deletedAt !== undefined) return DELETED_BACKUP_STATUS;
    const job = r.jobId === undefined ? undefined : this.jobRecords.get(r.jobId);
    if (!job) {
      if (r.initialStatus === 'AVAILABLE') return 'AVAILABLE';
      return r.readyAt !== undefined && now >= r.readyAt ? 'AVAILABLE' : 'CREATING';
    }
    const status = jobStatusAt(now - job.createdAt, job.durationMs, job.outcome);
    if (status === 'FAILED' || status === 'CANCELED') return BACKUP_STATUS_AFTER_FAILED_JOB;
    if (status !== 'SUCCESSFUL') return 'CREATING';
    return now >= job.createdAt + job.durationMs + r.availableDelayMs ? 'AVAILABLE' : 'CREATING';
  }
}

function jobView(r: JobRecord, now: number): SimJob {
  const elapsed = now - r.createdAt;
  const status = jobStatusAt(elapsed, r.durationMs, r.outcome);
  const finished = status === 'SUCCESSFUL' || status === 'FAILED' || status === 'CANCELED';
  return {
    jobId: r.jobId,
    type: r.type ?? 'BACKUP',
    status,
    progress: jobProgress(status, elapsed, r.durationMs),
    startTime: isoSeconds(r.createdAt),
    endTime: finished ? isoSeconds(r.createdAt + r.durationMs) : END_TIME_WHILE_RUNNING,
    reason: jobReason(status, r.failureReason),
    clusterId: r.clusterId,
    backupId: r.backupId,
    createdAt: r.createdAt,
    durationMs: r.durationMs,
    outcome: r.outcome,
  };
}
