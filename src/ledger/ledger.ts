// The deploy ledger on GitHub Deployments: one deployment per backup, in an environment of its own
// (`zilliz-backup/<environment of the deploy>`, never the application's own), so that long after
// the run's logs have expired anyone can ask "which backup was taken right before commit X went
// to production?", and restore or prune can act on the answer. GitHub keeps a deployment's current
// status whatever its age, so every status is sent with auto_inactive: false (an older entry
// never loses its success).
//
// Writing (the backup action) and reading (restore, prune) live here; what an entry says is in
// payload.ts, which entries count in choose.ts, the requests in github-api.ts.
import { errorMessage } from '../core/errors.ts';
import type { Deadline } from '../core/deadline.ts';
import type { GitHub } from '../core/github.ts';
import type { Log } from '../core/log.ts';
import { newestFirst, sortEntries, type Entry, type ListedEntry, type Skipped } from './choose.ts';
import { readOnlyRun, runContext, type RunContext } from './context.ts';
import { GitHubApi, GitHubError } from './github-api.ts';
import type { LedgerPayload } from './payload.ts';

export const ENVIRONMENT_PREFIX = 'zilliz-backup/';
export const TASK = 'zilliz-backup';
/** GitHub refuses a status description longer than this (code points). */
export const DESCRIPTION_MAX = 140;
/** Pages of 100 deployments read at the most (10,000 entries, years of daily deploys). */
const MAX_PAGES = 100;

export type LedgerStatus = 'RECORDED' | 'SKIPPED' | 'FAILED';
export type FinalState = 'success' | 'failure' | 'error';

/** A ledger problem that must fail the step (ledger-failure: fail, or a restore from the ledger). */
export class LedgerError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'LedgerError';
  }
}

/** What the harness gives the ledger. */
export interface LedgerRun {
  log: Log;
  deadline: Deadline;
  github(token: string): Promise<GitHub>;
}

/** The environment's name in the ledger. */
export function ledgerEnvironment(deployEnvironment: string): string {
  return `${ENVIRONMENT_PREFIX}${deployEnvironment}`;
}

/** A description GitHub takes: one line, at most DESCRIPTION_MAX code points. */
export function statusDescription(text: string): string {
  const chars = [...text.replace(/\s+/g, ' ').trim()];
  return chars.length <= DESCRIPTION_MAX
    ? chars.join('')
    : `${chars.slice(0, DESCRIPTION_MAX - 1).join('')}…`;
}

/** The `permissions:` lines a workflow needs for what failed. */
function permissionAdvice(error: GitHubError, needed: string[]): string {
  const lines = ['permissions:', ...needed.map((line) => `  ${line}`)].join('\n');
  const missing = error.permission ? ` (GitHub says it needs ${error.permission})` : '';
  return `GitHub refused the token${missing}: ${error.message}. Give the job these permissions (a job that sets any permission gets none it does not name):\n${lines}`;
}

/** The page of an environment's deployments on GitHub. */
function environmentUrl(context: RunContext, environment: string): string {
  return `${context.serverUrl}/${context.owner}/${context.repo}/deployments/${encodeURIComponent(environment)}`;
}

export interface WriterSettings {
  /** The deploy's environment; undefined: the ledger is off. */
  ledger: string | undefined;
  githubToken: string;
  ledgerFailure: 'warn' | 'fail';
}

/** The backup action's side: one entry per backup, its statuses as the backup goes. */
export class LedgerWriter {
  status: LedgerStatus | undefined;
  deploymentId: number | undefined;
  /** Why it was skipped or failed. */
  why: string | undefined;
  /** The environment's page of deployments, once an entry is recorded. */
  link: string | undefined;
  /** With ledger-failure: fail, the problem that fails the step once the backup is done. */
  failure: LedgerError | undefined;
  readonly environment: string | undefined;
  private readonly settings: WriterSettings;
  private readonly run: LedgerRun;
  private context: RunContext | undefined;
  private octokit: GitHub | undefined;
  /** Set after a permission refusal: nothing more is written in this run. */
  private stopped = false;

  constructor(settings: WriterSettings, run: LedgerRun) {
    this.settings = settings;
    this.run = run;
    this.environment = settings.ledger ? ledgerEnvironment(settings.ledger) : undefined;
  }

  /**
   * Before any GitHub call: whether writing can work at all. When it cannot (no token, a
   * read-only token, not a GitHub run), the ledger is SKIPPED with a notice. Nothing to do
   * without the ledger input.
   */
  prepare(): void {
    if (!this.environment) return;
    const context = runContext();
    const why = !this.settings.githubToken
      ? 'github-token is empty'
      : 'missing' in context
        ? context.missing
        : readOnlyRun();
    if (why !== undefined) {
      this.skip(why);
      return;
    }
    this.context = context as RunContext;
  }

  /** Records the entry and its in_progress status, as soon as the backup's ids are known. */
  async record(payload: Omit<LedgerPayload, 'deploy' | 'run'>): Promise<void> {
    const context = this.context;
    if (!context || this.stopped || this.deploymentId !== undefined) return;
    const environment = this.environment as string;
    const full: LedgerPayload = {
      ...payload,
      deploy: {
        environment: this.settings.ledger as string,
        sha: context.sha,
        ...(context.ref ? { ref: context.ref } : {}),
        ...(context.event ? { event: context.event } : {}),
      },
      run: {
        ...(context.runId ? { id: context.runId } : {}),
        ...(context.runAttempt ? { attempt: context.runAttempt } : {}),
        ...(context.runUrl ? { url: context.runUrl } : {}),
      },
    };
    await this.attempt(async (api) => {
      const created = await api.request<{ id?: number; message?: string }>(
        'POST /repos/{owner}/{repo}/deployments',
        {
          ref: context.sha,
          task: TASK,
          environment,
          auto_merge: false,
          required_contexts: [],
          production_environment: false,
          transient_environment: false,
          description: statusDescription(
            `Backup ${payload.backupId} of ${payload.clusterId} before ${this.settings.ledger}`,
          ),
          payload: full,
        },
      );
      if (created.status !== 201 || typeof created.data.id !== 'number') {
        throw new GitHubError(
          'refused',
          `GitHub made no deployment (HTTP ${created.status}${created.data.message ? `: ${created.data.message}` : ''})`,
        );
      }
      this.deploymentId = created.data.id;
      this.link = environmentUrl(context, environment);
      await this.sendStatus(
        api,
        'in_progress',
        `Backup ${payload.backupId}: job ${payload.jobId ?? 'unknown'} running`,
      );
      this.status = 'RECORDED';
      this.run.log.info(
        `Deploy ledger: deployment ${created.data.id} in ${environment} records backup ${payload.backupId} before ${context.sha.slice(0, 12)} (in_progress).`,
      );
    });
  }

  /** The final status, mapped from the action's: success, failure or error. */
  async finish(state: FinalState, description: string, budgetMs?: number): Promise<void> {
    if (this.deploymentId === undefined || this.stopped) return;
    await this.attempt(async (api) => {
      await this.sendStatus(api, state, description);
      this.run.log.info(`Deploy ledger: deployment ${this.deploymentId} is ${state}.`);
    }, budgetMs);
  }

  private async sendStatus(api: GitHubApi, state: string, description: string): Promise<void> {
    const context = this.context as RunContext;
    await api.request('POST /repos/{owner}/{repo}/deployments/{deployment_id}/statuses', {
      deployment_id: this.deploymentId,
      state,
      description: statusDescription(description),
      auto_inactive: false,
      ...(context.runUrl ? { log_url: context.runUrl } : {}),
    });
  }

  /** Runs one ledger operation; its failure is reported as ledger-failure says. */
  private async attempt(work: (api: GitHubApi) => Promise<void>, budgetMs?: number): Promise<void> {
    const context = this.context as RunContext;
    try {
      this.octokit ??= await this.run.github(this.settings.githubToken);
      await work(githubApi(this.octokit, context, this.run, budgetMs));
    } catch (error) {
      this.status = 'FAILED';
      const permission = error instanceof GitHubError && error.kind === 'permission';
      this.why = permission
        ? permissionAdvice(error as GitHubError, ['contents: read', 'deployments: write'])
        : errorMessage(error);
      if (permission) {
        // One notice, and nothing more is written in this run.
        this.stopped = true;
        this.run.log.notice(`The deploy ledger was not written. ${this.why}`, 'Deploy ledger');
      } else {
        this.run.log.warning(`The deploy ledger could not be written: ${this.why}`);
      }
      if (this.settings.ledgerFailure === 'fail') {
        // The backup goes on; the step fails at its end, once the backup is recorded as it went.
        this.failure ??= new LedgerError(
          `the deploy ledger could not be written (ledger-failure: fail): ${this.why}`,
        );
      }
    }
  }

  private skip(why: string): void {
    this.status = 'SKIPPED';
    this.why = why;
    this.run.log.notice(
      `The deploy ledger is skipped: ${why}. The backup is made all the same; its ids are in the step's outputs.`,
      'Deploy ledger',
    );
  }
}

/** What restore and prune read: the entries of one environment for one cluster. */
export interface LedgerQuery {
  /** The deploy's environment (without the zilliz-backup/ prefix). */
  ledger: string;
  githubToken: string;
  clusterId: string;
  apiHost: string;
}

/** The query of restore's and prune's settings: the ledger of their cluster on their API host. */
export function ledgerQuery(
  ledger: string,
  settings: { githubToken: string; clusterId: string; baseUrl: string },
): LedgerQuery {
  return {
    ledger,
    githubToken: settings.githubToken,
    clusterId: settings.clusterId,
    apiHost: new URL(settings.baseUrl).host,
  };
}

export interface LedgerReader {
  api: GitHubApi;
  query: LedgerQuery;
  environment: string;
}

/** One operation's GitHub API for this repository: the step's budget, or `budgetMs`. */
function githubApi(
  octokit: GitHub,
  context: RunContext,
  run: LedgerRun,
  budgetMs?: number,
): GitHubApi {
  const { owner, repo } = context;
  return new GitHubApi({ octokit, owner, repo, log: run.log, deadline: run.deadline }, budgetMs);
}

/** Opens the ledger for reading; a LedgerError says why it cannot be read. */
export async function openLedger(query: LedgerQuery, run: LedgerRun): Promise<LedgerReader> {
  if (!query.githubToken)
    throw new LedgerError('github-token is empty: the deploy ledger cannot be read');
  const context = runContext();
  if ('missing' in context)
    throw new LedgerError(`the deploy ledger cannot be read: ${context.missing}`);
  const api = githubApi(await run.github(query.githubToken), context, run);
  return { api, query, environment: ledgerEnvironment(query.ledger) };
}

/** Turns a GitHub failure while reading into the LedgerError that names what to do. */
export function readFailure(error: unknown, needed: string[]): LedgerError {
  if (error instanceof LedgerError) return error;
  if (error instanceof GitHubError && error.kind === 'permission') {
    return new LedgerError(`the deploy ledger cannot be read. ${permissionAdvice(error, needed)}`);
  }
  return new LedgerError(`the deploy ledger cannot be read: ${errorMessage(error)}`);
}

interface DeploymentJson {
  id: number;
  sha: string;
  created_at: string;
  creator?: { login?: string } | null;
  payload?: unknown;
}

interface StatusJson {
  id: number;
  state: string;
  created_at: string;
}

/** Every deployment of the environment (task zilliz-backup, and this SHA when given). */
export async function listEntries(reader: LedgerReader, sha?: string): Promise<ListedEntry[]> {
  const entries: ListedEntry[] = [];
  for (let page = 1; page <= MAX_PAGES; page++) {
    const reply = await reader.api.request<DeploymentJson[]>(
      'GET /repos/{owner}/{repo}/deployments',
      {
        environment: reader.environment,
        task: TASK,
        ...(sha ? { sha } : {}),
        per_page: 100,
        page,
      },
    );
    const list = Array.isArray(reply.data) ? reply.data : [];
    for (const d of list) {
      if (typeof d?.id !== 'number') continue;
      entries.push({
        id: d.id,
        sha: String(d.sha),
        createdAt: String(d.created_at),
        creator: typeof d.creator?.login === 'string' ? d.creator.login : undefined,
        payload: d.payload,
      });
    }
    if (list.length === 0 || !/rel="next"/.test(reply.headers.link ?? '')) return entries;
  }
  throw new LedgerError(
    `the deploy ledger has more than ${MAX_PAGES * 100} entries in ${reader.environment}`,
  );
}

/** An entry's current status: its newest (GitHub promises no order: sorted here). */
export async function currentState(reader: LedgerReader, id: number): Promise<string | undefined> {
  const reply = await reader.api.request<StatusJson[]>(
    'GET /repos/{owner}/{repo}/deployments/{deployment_id}/statuses',
    { deployment_id: id, per_page: 100 },
  );
  const statuses = (Array.isArray(reply.data) ? reply.data : []).filter(
    (s) => typeof s?.id === 'number',
  );
  const newest = statuses
    .map((s) => ({ id: s.id, createdAt: String(s.created_at), state: String(s.state) }))
    .sort(newestFirst)[0];
  return newest?.state;
}

/** A tag or branch (or short SHA) resolved to its commit SHA. */
export async function resolveRef(reader: LedgerReader, ref: string): Promise<string> {
  const reply = await reader.api.request<{ sha?: string }>(
    'GET /repos/{owner}/{repo}/commits/{ref}',
    { ref },
  );
  const sha = reply.data.sha;
  if (typeof sha !== 'string' || !/^[0-9a-f]{40}$/.test(sha)) {
    throw new LedgerError(`GitHub resolved ${ref} to no commit SHA`);
  }
  return sha;
}

/**
 * The newest entries of ours whose current status is success, at most `count`, walking the
 * entries newest first (one status request each, until enough are found).
 */
export async function successfulEntries(
  reader: LedgerReader,
  count: number,
  sha?: string,
): Promise<{ chosen: Entry[]; passed: Entry[]; skipped: Skipped[] }> {
  const { entries, skipped } = sortEntries(await listEntries(reader, sha), reader.query);
  const chosen: Entry[] = [];
  const passed: Entry[] = [];
  for (const entry of entries) {
    if (chosen.length >= count) break;
    // Two entries for one backup count once (a create whose reply was lost and that was sent
    // again leaves a second entry; only the one whose id came back gets statuses, but an entry
    // given a status by hand must not take a second place either).
    if (chosen.some((c) => c.payload.backupId === entry.payload.backupId)) continue;
    entry.state = await currentState(reader, entry.id);
    if (entry.state === 'success') chosen.push(entry);
    else passed.push(entry);
  }
  return { chosen, passed, skipped };
}
