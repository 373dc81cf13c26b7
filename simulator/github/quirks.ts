// GitHub's behaviour, decided in one place: what the docs say (marked "Documented"), what
// clients and GitHub's published examples show ("Observed"), and our choices where nothing says
// ("Chosen"). Clients must not depend on the chosen ones: they are here so they are easy to change.
import { randomBytes } from 'node:crypto';

export interface ErrorReply {
  status: number;
  body: Record<string, unknown>;
  headers?: Record<string, string>;
}

const DOCS = 'https://docs.github.com/rest';

/** Observed: documentation links of each route's errors. */
export const DOC_URL = {
  createDeployment: `${DOCS}/deployments/deployments#create-a-deployment`,
  listDeployments: `${DOCS}/deployments/deployments#list-deployments`,
  getDeployment: `${DOCS}/deployments/deployments#get-a-deployment`,
  createStatus: `${DOCS}/deployments/statuses#create-a-deployment-status`,
  listStatuses: `${DOCS}/deployments/statuses#list-deployment-statuses`,
  getStatus: `${DOCS}/deployments/statuses#get-a-deployment-status`,
  getCommit: `${DOCS}/commits/commits#get-a-commit`,
  unknown: DOCS,
  rateLimit: `${DOCS}/overview/rate-limits-for-the-rest-api`,
  secondaryRateLimit:
    'https://docs.github.com/free-pro-team@latest/rest/overview/rate-limits-for-the-rest-api#about-secondary-rate-limits',
} as const;

/** Observed: every error body is `{message, documentation_url, status}` (status a string). */
export function errorBody(
  status: number,
  message: string,
  docUrl: string,
): Record<string, unknown> {
  return { message, documentation_url: docUrl, status: String(status) };
}

export function error(status: number, message: string, docUrl: string): ErrorReply {
  return { status, body: errorBody(status, message, docUrl) };
}

/** Observed: 422 "Validation Failed" with `errors: [{resource, code, field, message}]`. */
export function validationFailed(
  resource: string,
  field: string,
  message: string,
  docUrl: string,
): ErrorReply {
  return {
    status: 422,
    body: {
      message: 'Validation Failed',
      errors: [{ resource, code: 'custom', field, message }],
      documentation_url: docUrl,
      status: '422',
    },
  };
}

/** Observed: the wording of GitHub's JSON-schema refusals ("Invalid request.\n\n…"). */
export function invalidRequest(detail: string, docUrl: string): ErrorReply {
  return error(422, `Invalid request.\n\n${detail}`, docUrl);
}

export const MESSAGES = {
  /** Observed. */
  badCredentials: 'Bad credentials',
  /** Observed: a write without a token on a public repository. */
  requiresAuthentication: 'Requires authentication',
  /** Observed: everything unknown or invisible is 404 "Not Found". */
  notFound: 'Not Found',
  /** Observed: an installation token (GITHUB_TOKEN) lacking a permission. */
  notAccessibleByIntegration: 'Resource not accessible by integration',
  /** Observed: a fine-grained personal access token lacking a permission. */
  notAccessibleByToken: 'Resource not accessible by personal access token',
  /** Observed. */
  problemsParsingJson: 'Problems parsing JSON',
  /** Chosen: a JSON body that is not an object. */
  bodyNotObject: 'Body should be a JSON object',
  /** Observed: create deployment with a ref that resolves to nothing. */
  noRefFound: (ref: string) => `No ref found for: ${ref}`,
  /** Observed: GET commit with a ref that resolves to nothing. */
  noCommitFound: (ref: string) => `No commit found for SHA: ${ref}`,
  /** Observed (the 202 body). */
  autoMerged: (base: string, ref: string) => `Auto-merged ${base} into ${ref} on deployment.`,
  /** Observed. */
  mergeConflict: (base: string, ref: string) => `Conflict merging ${base} into ${ref}.`,
  /** Observed. */
  checksFailed: (ref: string) => `Conflict: Commit status checks failed for ${ref}.`,
  /** Observed: the status field refusals (`resource: DeploymentStatus, code: custom`). */
  stateNotInList: 'state is not included in the list',
  descriptionTooLong: (max: number) => `description is too long (maximum is ${max} characters)`,
  urlScheme: (field: string) => `${field} must use http(s) scheme`,
  /** Chosen wording: an empty environment name. */
  environmentBlank: "environment can't be blank",
  /** Chosen wording (the 255-character limit is documented for environment names). */
  environmentTooLong: (max: number) => `environment is too long (maximum is ${max} characters)`,
  /** Observed (primary limit of an installation token; users get "for user ID n"). */
  primaryRateLimit: (who: string) =>
    `API rate limit exceeded for ${who}. If you reach out to GitHub Support for help, please include the request ID ${newRequestId()}.`,
  /** Observed. */
  secondaryRateLimit:
    'You have exceeded a secondary rate limit. Please wait a few minutes before you try again. If you reach out to GitHub Support for help, please include the request ID.',
  /** Chosen: the body of a `status` fault (GitHub's 5xx pages vary: JSON, HTML, empty). */
  serverError: (status: number) => (status === 503 ? 'Service Unavailable' : 'Server Error'),
} as const;

/** Documented: a deployment status description is at most 140 characters. Observed: counted in
 *  characters (code points, as Ruby counts), not UTF-16 units: one emoji is one character. */
export const STATUS_DESCRIPTION_MAX = 140;
export function characterCount(text: string): number {
  return [...text].length;
}

/** Documented: environment names are at most 255 characters. */
export const ENVIRONMENT_MAX = 255;

/** Documented defaults of create deployment. */
export const DEPLOYMENT_DEFAULTS = { task: 'deploy', environment: 'production' } as const;

/** Observed: `auto_inactive` is on unless it is the JSON `false` (null and the string "false"
 *  leave it on: the server tests Ruby truthiness). */
export function autoInactiveOn(value: unknown): boolean {
  return value !== false;
}

/** Documented: a `success` status makes earlier deployments of the same environment inactive.
 *  Chosen: those whose current state is `success`, whatever their transient/production flags
 *  (the docs say "non-transient, non-production" but GitHub inactivates production ones too),
 *  at once (GitHub runs it as a background job: it may land a moment later). */
export const AUTO_INACTIVE_FROM: readonly string[] = ['success'];

/** Chosen: environment names compare case-insensitively (documented as case-insensitive) in the
 *  list filter and for auto_inactive; sha, ref and task filters compare exactly. */
export function sameEnvironment(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase();
}

/** Documented: per_page defaults to 30, at most 100. Chosen: values above 100 are clamped to 100,
 *  values below 1 or not a number give the default; a page below 1 is page 1. */
export const PER_PAGE = { default: 30, max: 100 } as const;

/** Observed: Link relations in this order, each present only when it applies. */
export const LINK_RELATIONS = ['prev', 'next', 'last', 'first'] as const;

/**
 * Chosen: ids. GitHub's deployment ids have passed 2^31; the simulator starts just below it so a
 * client that stores ids in 32 bits breaks on the ninth deployment.
 */
export const FIRST_DEPLOYMENT_ID = 2_147_483_640;
export const FIRST_STATUS_ID = 5_000_000_001;

/** Observed: timestamps are ISO 8601 UTC to the second (two in the same second tie). */
export function isoSeconds(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** Observed format of X-GitHub-Request-Id (five hex groups). */
export function newRequestId(): string {
  const hex = (n: number) => randomBytes(n).toString('hex').toUpperCase();
  return `${hex(2)}:${hex(2)}:${hex(3)}:${hex(4)}:${hex(4)}`;
}

/** Chosen: node ids (opaque to clients). */
export function nodeId(prefix: string, id: number): string {
  return `${prefix}_kwDO${Buffer.from(String(id)).toString('base64url')}`;
}

/**
 * Ref resolution, for create deployment and GET commit. Observed: a full SHA, `refs/heads/x`,
 * `heads/x`, `refs/tags/x`, `tags/x` and a bare name resolve. Chosen: a bare name that is both a
 * tag and a branch resolves to the tag (git's own order); a hex prefix of at least 7 characters
 * resolves when exactly one known commit starts with it.
 */
export const SHORT_SHA_MIN = 7;

/**
 * Chosen: a ref behind the default branch with auto_merge on: the 202 answer and, for a branch,
 * a merge commit that becomes its head (so the next request creates the deployment, as the docs
 * say). A SHA that is behind gets the 202 once, then counts as merged.
 */
export const AUTO_MERGE_ADVANCES_BRANCH = true;

/** Observed: the app that creates deployments with a GITHUB_TOKEN. */
export const ACTIONS_APP = {
  id: 15368,
  slug: 'github-actions',
  node_id: 'MDM6QXBwMTUzNjg=',
  name: 'GitHub Actions',
  description: 'Automate your workflow from idea to production',
  external_url: 'https://help.github.com/en/actions',
  html_url: 'https://github.com/apps/github-actions',
  created_at: '2018-07-30T09:30:17Z',
  updated_at: '2019-12-10T19:04:12Z',
  permissions: {},
  events: [],
} as const;

/** Documented: the primary limit of GITHUB_TOKEN is 1,000 requests per hour per repository;
 *  60 per hour for anonymous callers. Chosen: counted per token, every answered request counts. */
export const RATE_LIMIT = { token: 1000, anonymous: 60, windowSeconds: 3600 } as const;

/** Chosen: a secondary rate-limit fault sends retry-after: 60 unless told otherwise. */
export const SECONDARY_RETRY_AFTER = '60';

/** Chosen: an Authorization header with another scheme (Basic …) is refused as bad credentials. */
export const AUTH_SCHEME = /^(?:bearer|token)\s+(\S+)\s*$/i;

/**
 * Not modelled (open points only a real repository settles): the X-GitHub-Api-Version header is
 * not checked (every answer says 2022-11-28). Note: the published docs of version 2026-03-10
 * show `commit_sha` where 2022-11-28 shows `sha` in deployment examples; pin the version header.
 */
export const API_VERSION_SELECTED = '2022-11-28';
