// The few GitHub REST calls the deploy ledger makes, over Octokit from @actions/github (loaded on
// first use): each with a time limit, short retries of what may pass (5xx, a broken connection,
// a secondary rate limit that asks for a short wait), and one error that says what kind of
// failure it was. A ledger operation has a budget of its own within the step's timeout (at most
// LEDGER_BUDGET_MS, never more than a quarter of the time left), so that a hung GitHub API
// costs a bounded part of the timeout and never holds the step past it.
import { Deadline, DeadlineExceededError, formatDuration } from '../core/deadline.ts';
import { errorMessage } from '../core/errors.ts';
import type { GitHub } from '../core/github.ts';
import type { Log } from '../core/log.ts';
import { retryDelay } from '../core/retry.ts';
import { shorten } from '../core/words.ts';

/** A ledger operation (record an entry, read the ledger) takes at most this long. */
export const LEDGER_BUDGET_MS = 20_000;
/** One request gets at most this long. */
const REQUEST_TIMEOUT_MS = 8_000;
const ATTEMPTS = 3;
/** A rate limit that asks for a longer wait than this is given up at once. */
const LONGEST_RATE_LIMIT_WAIT_MS = 5_000;
/** The REST API version the ledger is written against. */
const API_VERSION = '2022-11-28';

export type GitHubFailure =
  /** 401, 403 or 404: the token lacks a permission, or cannot see the repository. */
  | 'permission'
  /** A rate limit asks for a longer wait than the ledger may take. */
  | 'rate-limit'
  /** GitHub understood and refused (422, 409, a 202 answer …). */
  | 'refused'
  /** 5xx, broken connections or no answer, after the retries. */
  | 'unavailable';

export class GitHubError extends Error {
  readonly kind: GitHubFailure;
  readonly status: number | undefined;
  /** From X-Accepted-GitHub-Permissions: what the request needs (e.g. deployments=write). */
  readonly permission: string | undefined;
  /** Set when trying again may pass: how long to wait first (undefined: backoff). */
  readonly retry: { afterMs: number | undefined } | undefined;

  constructor(
    kind: GitHubFailure,
    message: string,
    details: {
      status?: number;
      permission?: string;
      retry?: { afterMs: number | undefined };
    } = {},
  ) {
    super(message);
    this.name = 'GitHubError';
    this.kind = kind;
    this.status = details.status;
    this.permission = details.permission;
    this.retry = details.retry;
  }
}

export interface GitHubReply<T> {
  status: number;
  data: T;
  headers: Record<string, string | undefined>;
}

interface OctokitError {
  status?: number;
  message?: string;
  response?: { headers?: Record<string, string | undefined>; data?: unknown };
}

function header(error: OctokitError, name: string): string | undefined {
  const value = error.response?.headers?.[name];
  return typeof value === 'string' ? value : undefined;
}

/** How long a rate-limited answer asks to wait, or undefined when it is not a rate limit. */
function rateLimitWaitMs(error: OctokitError, now = Date.now()): number | undefined {
  if (error.status !== 403 && error.status !== 429) return undefined;
  const retryAfter = header(error, 'retry-after');
  if (retryAfter !== undefined && /^\d+$/.test(retryAfter)) return Number(retryAfter) * 1_000;
  if (header(error, 'x-ratelimit-remaining') === '0') {
    const reset = Number(header(error, 'x-ratelimit-reset'));
    return Number.isFinite(reset) ? Math.max(0, reset * 1_000 - now) : Infinity;
  }
  return error.status === 429 ? 60_000 : undefined;
}

/** GitHub's own message, shortened, one line. */
function shortMessage(error: OctokitError): string {
  return shorten((error.message ?? 'no message').replace(/\s+/g, ' ').trim(), 200);
}

export interface GitHubApiOptions {
  octokit: GitHub;
  owner: string;
  repo: string;
  log: Log;
  /** The step's deadline: every operation's budget is carved from it. */
  deadline: Deadline;
}

/** One ledger operation's worth of requests, under one budget. */
export class GitHubApi {
  private readonly options: GitHubApiOptions;
  private readonly budget: Deadline;

  constructor(options: GitHubApiOptions, budgetMs?: number) {
    this.options = options;
    this.budget =
      budgetMs === undefined ? options.deadline.share(LEDGER_BUDGET_MS) : new Deadline(budgetMs);
  }

  /** `route` as Octokit writes it ("POST /repos/{owner}/{repo}/deployments"). */
  async request<T>(route: string, params: Record<string, unknown> = {}): Promise<GitHubReply<T>> {
    const { octokit, owner, repo, log } = this.options;
    for (let attempt = 0; ; attempt++) {
      const limitMs = Math.min(REQUEST_TIMEOUT_MS, this.budget.remainingMs());
      if (limitMs <= 0) throw this.outOfTime(route);
      const signal = AbortSignal.timeout(limitMs);
      let failure: GitHubError;
      try {
        const reply = await octokit.request(route, {
          owner,
          repo,
          ...params,
          headers: { 'x-github-api-version': API_VERSION },
          request: { signal },
        });
        return {
          status: reply.status,
          data: reply.data as T,
          headers: reply.headers as Record<string, string | undefined>,
        };
      } catch (error) {
        failure = this.classify(route, error as OctokitError, signal.aborted, limitMs);
        if (!failure.retry) throw failure;
      }
      if (attempt + 1 >= ATTEMPTS) throw failure;
      const wait = retryDelay(failure.retry.afterMs, attempt + 1);
      if (wait >= this.budget.remainingMs()) throw failure;
      log.info(`${failure.message}; GitHub retry ${attempt + 1} in ${formatDuration(wait)}`);
      try {
        await this.budget.sleep(wait, `GitHub retry ${attempt + 1}`);
      } catch (stop) {
        if (stop instanceof DeadlineExceededError) throw failure;
        throw stop;
      }
    }
  }

  private outOfTime(route: string): GitHubError {
    return new GitHubError(
      'unavailable',
      `${route}: GitHub gave no answer within the ledger's ${formatDuration(this.budget.timeoutMs)}`,
    );
  }

  private classify(
    route: string,
    error: OctokitError,
    aborted: boolean,
    limitMs: number,
  ): GitHubError {
    if (aborted) {
      return new GitHubError(
        'unavailable',
        `${route}: no answer from GitHub within ${formatDuration(limitMs)}`,
        { retry: { afterMs: undefined } },
      );
    }
    const status = error.status;
    const what = `${route}: ${status ? `HTTP ${status}: ` : ''}${shortMessage(error)}`;
    const waitMs = rateLimitWaitMs(error);
    if (waitMs !== undefined) {
      if (waitMs <= LONGEST_RATE_LIMIT_WAIT_MS && waitMs < this.budget.remainingMs()) {
        return new GitHubError(
          'rate-limit',
          `${what} (rate limited for ${formatDuration(waitMs)})`,
          {
            status,
            retry: { afterMs: waitMs },
          },
        );
      }
      return new GitHubError(
        'rate-limit',
        `${what} (rate limited${Number.isFinite(waitMs) ? ` for ${formatDuration(waitMs)}` : ''}, longer than the ledger may wait)`,
        { status },
      );
    }
    if (status === 401 || status === 403 || status === 404) {
      return new GitHubError('permission', what, {
        status,
        permission: header(error, 'x-accepted-github-permissions'),
      });
    }
    if (status === undefined || status >= 500 || status === 408) {
      return new GitHubError(
        'unavailable',
        status === undefined ? `${route}: ${errorMessage(error)}` : what,
        { status, retry: { afterMs: undefined } },
      );
    }
    return new GitHubError('refused', what, { status });
  }
}
