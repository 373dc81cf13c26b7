// Where the run stands on GitHub, read from the runner's environment and event payload without
// loading the GitHub client: which repository, commit and run, and whether writing to the
// ledger can work at all (a pull request from a fork and Dependabot get a read-only token).
import { readFileSync } from 'node:fs';
import { isObject } from '../api/reply.ts';

export interface RunContext {
  owner: string;
  repo: string;
  sha: string;
  ref: string | undefined;
  event: string | undefined;
  runId: string | undefined;
  runAttempt: string | undefined;
  /** The run's page, e.g. https://github.com/o/r/actions/runs/1/attempts/1. */
  runUrl: string | undefined;
  /** https://github.com, or a GitHub Enterprise Server's own. */
  serverUrl: string;
}

/** The run's context, or why there is none (not on a GitHub runner). */
export function runContext(env: NodeJS.ProcessEnv = process.env): RunContext | { missing: string } {
  const [owner, repo, extra] = (env.GITHUB_REPOSITORY ?? '').split('/');
  if (!owner || !repo || extra !== undefined) {
    return { missing: 'GITHUB_REPOSITORY is not owner/repo (not a GitHub Actions run?)' };
  }
  const sha = env.GITHUB_SHA ?? '';
  if (!/^[0-9a-f]{40}$/.test(sha)) return { missing: 'GITHUB_SHA is not a commit SHA' };
  const serverUrl = (env.GITHUB_SERVER_URL || 'https://github.com').replace(/\/+$/, '');
  const runId = env.GITHUB_RUN_ID || undefined;
  const runAttempt = env.GITHUB_RUN_ATTEMPT || undefined;
  return {
    owner,
    repo,
    sha,
    ref: env.GITHUB_REF || undefined,
    event: env.GITHUB_EVENT_NAME || undefined,
    runId,
    runAttempt,
    runUrl: runId
      ? `${serverUrl}/${owner}/${repo}/actions/runs/${runId}${runAttempt ? `/attempts/${runAttempt}` : ''}`
      : undefined,
    serverUrl,
  };
}

/** The event payload (GITHUB_EVENT_PATH), or {} when it cannot be read. */
function eventPayload(env: NodeJS.ProcessEnv): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(readFileSync(env.GITHUB_EVENT_PATH ?? '', 'utf8'));
    return isObject(value) ? value : {};
  } catch {
    return {};
  }
}

/** Why a token of this run cannot write deployments, when GitHub gives it read access only. */
export function readOnlyRun(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const actors = [env.GITHUB_ACTOR, env.GITHUB_TRIGGERING_ACTOR];
  if (actors.includes('dependabot[bot]')) {
    return "the run is Dependabot's, whose token is read-only";
  }
  // pull_request_target runs with the base repository's token: not read-only.
  const pullRequestEvents = ['pull_request', 'pull_request_review', 'pull_request_review_comment'];
  if (pullRequestEvents.includes(env.GITHUB_EVENT_NAME ?? '')) {
    const pull = eventPayload(env).pull_request;
    const head = isObject(pull) && isObject(pull.head) ? pull.head : {};
    const headRepo = isObject(head.repo) ? head.repo : {};
    const fork =
      headRepo.fork === true ||
      (typeof headRepo.full_name === 'string' && headRepo.full_name !== env.GITHUB_REPOSITORY);
    if (fork) return 'the run is a pull request from a fork, whose token is read-only';
  }
  return undefined;
}
