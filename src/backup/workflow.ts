// The backup workflow: make sure the cluster is free, create exactly one backup, then wait for
// it. Everything learnt along the way goes into a BackupRecord that the report can read at any
// moment (also when the step is cancelled or times out).
import { now } from '../core/clock.ts';
import {
  holdsExactly,
  missingCollections,
  type BackedUpCollection,
  type BackupInfo,
  type CreateBackupBody,
  type CreatedBackup,
} from '../api/backups.ts';
import type { ZillizClient } from '../api/client.ts';
import { ApiError, ApiRequestError, REQUEST_ERROR_CODES } from '../api/errors.ts';
import { CANCEL_STATUSES } from '../api/jobs.ts';
import {
  acceptedWithoutIds,
  writeOnce,
  WriteUnknownError,
  type Proof,
  type Written,
} from '../api/writes.ts';
import { Deadline, DeadlineExceededError, formatDuration } from '../core/deadline.ts';
import type { Log } from '../core/log.ts';
import { closestFirst, count } from '../core/words.ts';
import { isDatabaseNotFound, type ClusterEndpoint } from '../api/cluster-endpoint.ts';
import { checkWithInputs, type OnCluster, type Seen } from '../api/on-cluster.ts';
import { watch, type PollInterval } from '../core/schedule.ts';
import type { Settings } from './settings.ts';
import { namedError } from '../core/errors.ts';
import { DEFAULT_DATABASE } from '../api/ids.ts';

export type FinalStatus =
  'SUCCESSFUL' | 'FAILED' | 'CANCELED' | 'TIMED_OUT' | 'STARTED' | 'UNKNOWN';

/** The backed-up collections of one database, as the `collections` output lists them. */
export interface DatabaseCollections {
  /** Left out when Describe backup does not say (a whole-cluster backup in the flat form). */
  dbName?: string;
  collectionNames: string[];
}

export interface BackupRecord {
  /** The database of a COLLECTION backup ('default' when none was named), for the restore. */
  database?: string;
  backupId?: string;
  backupName?: string;
  jobId?: string;
  /** Found on the cluster after a create whose reply was lost or empty: its job id is unknown. */
  adopted: boolean;
  /**
   * A create request may have made a backup that we have not identified (in flight, reply lost,
   * or more than one candidate): never say "no backup was made" then.
   */
  mayExist: boolean;
  /** Backups that could each be ours when it could not be told which (status UNKNOWN). */
  candidates: string[];
  status?: FinalStatus;
  size?: number;
  /** What Describe backup says the finished backup holds. */
  collections?: DatabaseCollections[];
  /** Other backups that had to finish before ours could start. */
  waitedFor: string[];
  /**
   * What the cluster's own endpoint showed: every requested collection there before the create
   * (true), or why it could not be checked.
   */
  seenBefore?: true | string;
  /** The backed-up collections with their row counts, once the backup succeeded. */
  manifest?: ManifestEntry[];
  /** Why the row counts could not be read, when they could not. */
  rowsNotSeen?: string;
}

/** One backed-up collection and its rows when the backup finished (the `manifest` output). */
export interface ManifestEntry {
  dbName: string;
  collectionName: string;
  /** Left out when it could not be read. */
  rowCount?: number;
}

export function newRecord(): BackupRecord {
  return { adopted: false, mayExist: false, candidates: [], waitedFor: [] };
}

/** The backup exists but did not succeed (its job FAILED or was cancelled, or it is unusable). */
export class BackupFailedError extends namedError('BackupFailedError') {}

/** Another backup runs on the cluster and if-in-progress is "fail". */
export class BackupInProgressError extends namedError('BackupInProgressError') {}

/** A create may have made a backup, and the cluster does not show which one (status UNKNOWN). */
export class BackupUnknownError extends namedError('BackupUnknownError') {}

/** A requested collection (or its database) is not on the cluster: nothing was created. */
export class CollectionsMissingError extends namedError('CollectionsMissingError') {}

export interface WorkflowContext {
  client: ZillizClient;
  settings: Settings;
  deadline: Deadline;
  log: Log;
  record: BackupRecord;
  /** Called the moment the backup's ids are known, before any waiting. */
  onCreated: (record: BackupRecord) => void;
  /** Awaited right after the create, before any waiting (the deploy ledger's entry). */
  afterCreate?: (record: BackupRecord) => Promise<void>;
  /** Checks on the cluster's own endpoint (verify). */
  onCluster: OnCluster;
  interval?: PollInterval;
}

export function createBody(settings: Settings): CreateBackupBody {
  const body: CreateBackupBody = { backupType: settings.backupType };
  if (settings.backupType === 'COLLECTION') {
    body.dbCollections = [
      {
        ...(settings.database === undefined ? {} : { dbName: settings.database }),
        collectionNames: settings.collections,
      },
    ];
  }
  if (settings.copyToRegions.length > 0) {
    body.crossRegionCopies = settings.copyToRegions.map((regionId) => ({ regionId }));
  }
  return body;
}

/** "backup9_x (nightly, auto), backup8_y" */
function describeBackups(backups: BackupInfo[]): string {
  return backups
    .map((b) => {
      const details = [b.backupName, b.creationMethod?.toLowerCase()].filter(Boolean);
      return details.length > 0 ? `${b.backupId} (${details.join(', ')})` : b.backupId;
    })
    .join(', ');
}

export async function runBackup(ctx: WorkflowContext): Promise<void> {
  if (ctx.settings.backupType === 'COLLECTION') {
    ctx.record.database = ctx.settings.database ?? DEFAULT_DATABASE;
    await checkCollectionsExist(ctx);
  }
  const known = await waitUntilClusterIsFree(ctx, 'before creating ours');
  await createOnce(ctx, known);
  await ctx.afterCreate?.(ctx.record);
  if (!ctx.settings.wait) {
    ctx.record.status = 'STARTED';
    ctx.log.info('wait is false: the backup goes on in Zilliz Cloud; not waiting for it.');
    return;
  }
  try {
    if (ctx.record.jobId) await waitForJob(ctx, ctx.record.jobId);
    await verifyBackup(ctx);
  } catch (error) {
    if (error instanceof DeadlineExceededError) ctx.record.status = 'TIMED_OUT';
    throw error;
  }
  if (ctx.settings.backupType === 'COLLECTION') await readRowCounts(ctx);
}

/** A check on the cluster being backed up (see api/on-cluster.ts). */
function checkOnCluster<T>(
  ctx: WorkflowContext,
  what: string,
  check: (endpoint: ClusterEndpoint) => Promise<T>,
): Promise<Seen<T>> {
  return ctx.onCluster.check(checkWithInputs(ctx.settings, ctx.settings.clusterId, what), check);
}

/**
 * Before the create: every requested collection must exist in the database, on the cluster
 * itself. A missing one fails the step with what the database does hold, closest names first.
 */
async function checkCollectionsExist(ctx: WorkflowContext): Promise<void> {
  const { settings, record, log } = ctx;
  const database = settings.database ?? DEFAULT_DATABASE;
  const seen = await checkOnCluster(
    ctx,
    `collections ${settings.collections.join(', ')} in database ${database}`,
    async (endpoint) => {
      const missing: string[] = [];
      for (const name of settings.collections) {
        try {
          if (!(await endpoint.has(database, name))) missing.push(name);
        } catch (error) {
          if (isDatabaseNotFound(error)) return { databaseMissing: true, missing, held: [] };
          throw error;
        }
      }
      const held = missing.length > 0 ? await endpoint.list(database) : [];
      return { databaseMissing: false, missing, held };
    },
  );
  if (!seen.seen) {
    record.seenBefore = seen.why;
    return;
  }
  const { databaseMissing, missing, held } = seen.value;
  if (databaseMissing) {
    throw new CollectionsMissingError(
      `database ${database} does not exist on cluster ${settings.clusterId}: no backup was made`,
    );
  }
  if (missing.length > 0) {
    const holds = held.length > 0 ? closestFirst(missing, held).join(', ') : 'no collections';
    throw new CollectionsMissingError(
      `${count(missing.length, 'collection')} ${missing.join(', ')} ${missing.length === 1 ? 'does' : 'do'} not exist in database ${database} of cluster ${settings.clusterId} ` +
        `(it holds ${holds}${held.length > 1 ? ', closest names first' : ''}): no backup was made`,
    );
  }
  record.seenBefore = true;
  log.info(`On the cluster: ${settings.collections.join(', ')} exist in database ${database}.`);
}

/** After a successful collection backup: each collection's row count, for the manifest. */
async function readRowCounts(ctx: WorkflowContext): Promise<void> {
  const { settings, record, log } = ctx;
  const database = settings.database ?? DEFAULT_DATABASE;
  const seen = await checkOnCluster(
    ctx,
    `the row counts of ${settings.collections.join(', ')}`,
    async (endpoint) => {
      const counts: (number | undefined)[] = [];
      for (const name of settings.collections) counts.push(await endpoint.rowCount(database, name));
      return counts;
    },
  );
  record.manifest = settings.collections.map((collectionName, i) => {
    const rowCount = seen.seen ? seen.value[i] : undefined;
    return { dbName: database, collectionName, ...(rowCount === undefined ? {} : { rowCount }) };
  });
  if (!seen.seen) {
    record.rowsNotSeen = seen.why;
    return;
  }
  log.info(
    `On the cluster: ${record.manifest
      .map(
        (c) =>
          `${c.collectionName} ${c.rowCount === undefined ? '(rows unknown)' : count(c.rowCount, 'row')}`,
      )
      .join(', ')}.`,
  );
}

/**
 * Lists the cluster's backups; when one is CREATING (manual or automatic), waits for it to
 * finish, or fails at once with if-in-progress: fail. Returns the ids of all backups seen last,
 * so that a backup appearing later can be recognised as new.
 */
async function waitUntilClusterIsFree(ctx: WorkflowContext, when: string): Promise<Set<string>> {
  const { client, settings, log, record } = ctx;
  const creating = (list: BackupInfo[]): BackupInfo[] => {
    const running = list.filter((b) => b.status === 'CREATING');
    // Another backup may take over (an automatic one starting as the manual one ends).
    for (const b of running)
      if (!record.waitedFor.includes(b.backupId)) record.waitedFor.push(b.backupId);
    return running;
  };
  const backups = await client.backups.list(settings.clusterId);
  const running = creating(backups);
  if (running.length === 0) return new Set(backups.map((b) => b.backupId));
  const names = describeBackups(running);
  if (settings.ifInProgress === 'fail') {
    throw new BackupInProgressError(
      `backup ${names} is in progress on cluster ${settings.clusterId}, and if-in-progress is "fail" ` +
        '(Zilliz Cloud runs one manual backup at a time, and none while an automatic one runs)',
    );
  }
  log.info(
    `Backup ${names} is in progress on cluster ${settings.clusterId}: waiting for it to finish ${when}.`,
  );
  const waitingFor = (list: BackupInfo[]): string => {
    const still = creating(list);
    return still.length > 0
      ? `Now waiting for backup ${describeBackups(still)}`
      : 'The other backup finished';
  };
  const free = await watch({
    deadline: ctx.deadline,
    log,
    interval: ctx.interval,
    what: `backup ${names} to finish`,
    look: () => client.backups.list(settings.clusterId),
    startLine: waitingFor(backups),
    describe: waitingFor,
    ended: (list) => (list.some((b) => b.status === 'CREATING') ? undefined : list),
  });
  return new Set(free.map((b) => b.backupId));
}

/** More new backups than this after a lost create reply: too many to describe, UNKNOWN. */
const MAX_CANDIDATES = 10;

/**
 * The backups that provably answer our request: manual, not in `known` (the list taken before
 * the create; the server's createTime is never compared with our clock), CREATING or AVAILABLE,
 * of our type, and for a collection backup of exactly our database and collections (Describe
 * backup). Two whole-cluster backups cannot be told apart: see the README. Undefined when too
 * many new backups appeared to look at each.
 */
async function matchingNewBackups(
  ctx: WorkflowContext,
  known: Set<string>,
): Promise<BackupInfo[] | undefined> {
  const { client, settings } = ctx;
  const fresh = (await client.backups.list(settings.clusterId, 'MANUAL')).filter(
    (b) =>
      !known.has(b.backupId) &&
      (b.status === 'CREATING' || b.status === 'AVAILABLE') &&
      (b.backupType === undefined || b.backupType === settings.backupType),
  );
  if (fresh.length > MAX_CANDIDATES) return undefined;
  const matches: BackupInfo[] = [];
  for (const candidate of fresh) {
    let backup: BackupInfo;
    try {
      backup = await client.backups.describe(settings.clusterId, candidate.backupId);
    } catch (error) {
      // Deleted since it was listed: not ours to adopt either way.
      if (error instanceof ApiError) continue;
      throw error;
    }
    if (backup.status !== 'CREATING' && backup.status !== 'AVAILABLE') continue;
    if (backup.backupType !== undefined && backup.backupType !== settings.backupType) continue;
    if (
      settings.backupType === 'COLLECTION' &&
      !holdsExactly(backup, settings.database, settings.collections)
    )
      continue;
    matches.push({ ...backup, backupName: backup.backupName || candidate.backupName });
  }
  return matches;
}

/** A create accepted with no backup id: the list may lag behind, so it is asked a few times. */
const EMPTY_CREATE_LOOKUPS = 5;
const EMPTY_CREATE_LOOKUP_MS = 1_000;

/**
 * After a create whose outcome is open: our backup if exactly one new backup matches the
 * request; nothing if none does; unclear if several do (they are named as candidates) or too
 * many appeared to tell.
 */
async function proveOwnBackup(
  ctx: WorkflowContext,
  known: Set<string>,
  answer: ApiRequestError,
): Promise<Proof<BackupInfo>> {
  const lookups = acceptedWithoutIds(answer) ? EMPTY_CREATE_LOOKUPS : 1;
  for (let lookup = 1; ; lookup++) {
    const matches = await matchingNewBackups(ctx, known);
    if (matches === undefined) {
      return {
        found: 'unclear',
        why:
          `more than ${MAX_CANDIDATES} new backups have appeared on the cluster since: too many to tell ` +
          'which is ours, so none is reported as ours and no other backup is created',
      };
    }
    if (matches.length === 1) return { found: 'it', item: matches[0] as BackupInfo };
    if (matches.length > 1) {
      ctx.record.candidates = matches.map((b) => b.backupId);
      return {
        found: 'unclear',
        why:
          `${matches.length} new backups match this request: ${describeBackups(matches)}. Any of ` +
          'them may be ours (another workflow made the others), so none is reported as ours and ' +
          'no other backup is created',
      };
    }
    if (lookup >= lookups) return { found: 'nothing' };
    await ctx.deadline.sleep(EMPTY_CREATE_LOOKUP_MS, 'the next look for the accepted backup');
  }
}

/**
 * Creates exactly one backup (see api/writes.ts): repeated only when the cluster shows that the
 * attempt made nothing; after a lost or ambiguous reply the one new backup that matches the
 * request is adopted instead of making a second one. A refusal that may mean "busy" (another
 * backup started between our check and our create) waits for the cluster to be free and tries
 * again.
 */
async function createOnce(ctx: WorkflowContext, known: Set<string>): Promise<void> {
  const { client, settings, log, record } = ctx;
  const body = createBody(settings);
  /** Other workflows' backups that explained a refusal and have finished since. */
  const accounted = new Set<string>();
  /**
   * A create's outcome was open at some point: a backup it made may appear late (after the
   * proof found nothing), e.g. as the "other" backup that a later create is refused for.
   */
  let lateCreatePossible = false;
  for (;;) {
    record.mayExist = true;
    let written: Written<CreatedBackup, BackupInfo>;
    try {
      written = await writeOnce(client.transport, {
        what: `the create of a backup of cluster ${settings.clusterId}`,
        send: () => client.backups.create(settings.clusterId, body),
        prove: (answer) => {
          lateCreatePossible = true;
          return proveOwnBackup(ctx, known, answer);
        },
      });
    } catch (error) {
      if (error instanceof WriteUnknownError) {
        record.status = 'UNKNOWN';
        throw new BackupUnknownError(
          `${error.message}. Look for it in the Zilliz Cloud console before running this again`,
        );
      }
      if (error instanceof DeadlineExceededError) {
        if (error.requestInFlight === undefined && !lateCreatePossible) {
          record.mayExist = false;
          throw error;
        }
        // Time ran out while a create was in flight or its outcome was still being checked.
        throw new DeadlineExceededError(
          `${error.message}; a create request may have started a backup all the same: look for ` +
            'it in the Zilliz Cloud console before running this again',
          error.requestInFlight,
        );
      }
      // The create was refused, and any earlier attempt was proven to have made nothing (one
      // may still land late: see lateCreatePossible).
      record.mayExist = false;
      if (!(error instanceof ApiError) || REQUEST_ERROR_CODES.has(error.code)) throw error;
      // Possibly "busy": did a backup start between our check and our create?
      const list = await client.backups.list(settings.clusterId);
      const running = list.filter((b) => b.status === 'CREATING');
      // One that started and already finished since (the list came late) explains it too.
      const finished = list.filter(
        (b) => b.status === 'AVAILABLE' && !known.has(b.backupId) && !accounted.has(b.backupId),
      );
      if (running.length === 0 && finished.length > 0) {
        for (const b of finished) accounted.add(b.backupId);
        log.info(
          `The create was refused (${error.serverMessage}, code ${error.code}) while backup ` +
            `${describeBackups(finished)} ran; it has finished: creating ours again.`,
        );
        continue;
      }
      if (running.length === 0) throw error;
      log.info(
        `The create was refused (${error.serverMessage}, code ${error.code}) while another backup runs.`,
      );
      const free = await waitUntilClusterIsFree(ctx, 'and then create ours');
      if (lateCreatePossible) {
        // Our lost create may have landed late and been among those waited for.
        const proof = await proveOwnBackup(ctx, known, error);
        if (proof.found === 'it') {
          adopt(
            ctx,
            proof.item,
            `The reply to our create was lost (last answer: ${error.message})`,
          );
          return;
        }
        if (proof.found === 'unclear') {
          record.status = 'UNKNOWN';
          throw new BackupUnknownError(`the reply to our create was lost, and ${proof.why}`);
        }
      } else {
        for (const id of free) known.add(id);
      }
      continue;
    }
    if ('proven' in written) {
      adopt(
        ctx,
        written.proven,
        acceptedWithoutIds(written.answer)
          ? 'Zilliz Cloud accepted our create without naming the backup'
          : `The reply to our create was lost (last answer: ${written.answer.message})`,
      );
      return;
    }
    const created = written.sent;
    record.backupId = created.backupId;
    record.backupName = created.backupName;
    record.jobId = created.jobId;
    record.adopted = created.jobId === undefined;
    ctx.onCreated(record);
    log.info(
      `Started backup ${created.backupName ?? ''} (${created.backupId}), job ${created.jobId ?? 'not named in the reply'}` +
        (created.requestId ? ` [request id ${created.requestId}]` : ''),
    );
    if (created.jobIdProblem) {
      log.warning(
        `The create's reply has no usable job id (${created.jobIdProblem}): the backup itself is watched instead.`,
      );
    }
    return;
  }
}

function adopt(ctx: WorkflowContext, backup: BackupInfo, why: string): void {
  const { record, log } = ctx;
  record.backupId = backup.backupId;
  record.backupName = backup.backupName;
  record.adopted = true;
  ctx.onCreated(record);
  log.warning(
    `${why}, but backup ${backup.backupName} (${backup.backupId}) has appeared on the cluster ` +
      'since, and it is the only new one that matches this request: it is ours, so no second ' +
      'backup is made. Its job id is unknown: the jobId output stays empty, and the backup ' +
      'itself is watched instead.',
  );
}

async function waitForJob(ctx: WorkflowContext, jobId: string): Promise<void> {
  const { client, log, record } = ctx;
  const started = now();
  const job = await client.jobs.waitForEnd(jobId, ctx);
  if (job.status === 'FAILED') {
    record.status = 'FAILED';
    throw new BackupFailedError(
      `backup job ${jobId} FAILED: ${job.reason || 'Zilliz Cloud gave no reason'}`,
    );
  }
  if (CANCEL_STATUSES.has(job.status)) {
    record.status = 'CANCELED';
    throw new BackupFailedError(
      `backup job ${jobId} was cancelled (status ${job.status}), e.g. from the Zilliz Cloud console`,
    );
  }
  log.info(
    `Backup job ${jobId} SUCCESSFUL after ${formatDuration(now() - started)}; checking the backup.`,
  );
}

/**
 * Success means a usable backup: waits until Describe backup says AVAILABLE (a backup whose job
 * succeeded may stay CREATING a moment; DELETED or any other end is a failure), then checks that
 * a collection backup holds every requested collection. Records size and collections.
 */
async function verifyBackup(ctx: WorkflowContext): Promise<void> {
  const { client, log, record, settings } = ctx;
  const backupId = record.backupId as string;
  const available = await watch({
    deadline: ctx.deadline,
    log,
    interval: ctx.interval,
    what: `backup ${backupId}`,
    look: () => client.backups.describe(settings.clusterId, backupId),
    describe: (backup) => `Backup ${backupId}: ${backup.status}`,
    ended: (backup) => {
      if (backup.status === 'AVAILABLE') return backup;
      if (backup.status === 'CREATING') return undefined;
      record.status = 'FAILED';
      throw new BackupFailedError(
        `backup ${backupId} is ${backup.status} instead of AVAILABLE` +
          (record.jobId ? ` although its job ${record.jobId} reported SUCCESSFUL` : '') +
          ': it cannot be restored from',
      );
    },
    // After a job, look at once; an adopted backup was just seen in the list.
    lookFirst: record.jobId !== undefined,
  });

  if (settings.backupType === 'COLLECTION') {
    const missing = available.collections
      ? missingCollections(available, settings.database, settings.collections)
      : settings.collections;
    if (missing.length > 0) {
      record.status = 'FAILED';
      throw new BackupFailedError(
        `backup ${backupId} is AVAILABLE but does not hold ` +
          `${available.collections ? '' : '(Describe backup lists no collections) '}` +
          `collection ${missing.join(', ')} of database ${settings.database ?? DEFAULT_DATABASE}`,
      );
    }
  }
  record.size = available.size;
  record.collections = groupByDatabase(
    available.collections ?? [],
    settings.backupType === 'COLLECTION' ? (settings.database ?? DEFAULT_DATABASE) : undefined,
  );
  record.status = 'SUCCESSFUL';
}

/** Collections grouped by database; entries that do not say take `fallbackDb`. */
function groupByDatabase(
  collections: BackedUpCollection[],
  fallbackDb: string | undefined,
): DatabaseCollections[] {
  const groups = new Map<string | undefined, string[]>();
  for (const c of collections) {
    const db = c.dbName ?? fallbackDb;
    const names = groups.get(db) ?? [];
    if (!names.includes(c.collectionName)) names.push(c.collectionName);
    groups.set(db, names);
  }
  return [...groups].map(([dbName, collectionNames]) =>
    dbName === undefined ? { collectionNames } : { dbName, collectionNames },
  );
}
