// The endpoints: validate the request as GitHub does, act on the state, build the answer.
import {
  DEPLOYMENT_DEFAULTS,
  DOC_URL,
  ENVIRONMENT_MAX,
  MESSAGES,
  STATUS_DESCRIPTION_MAX,
  autoInactiveOn,
  characterCount,
  error,
  invalidRequest,
  sameEnvironment,
  validationFailed,
} from './quirks.ts';
import type { ErrorReply } from './quirks.ts';
import { commitJson, deploymentJson, linkBase, statusJson } from './objects.ts';
import type { Urls } from './objects.ts';
import { ordered, paginate } from './pagination.ts';
import { DEPLOYMENT_STATES } from './scenario.ts';
import type { Actor, DeploymentState } from './scenario.ts';
import type { GitHubState, StoredDeployment } from './state.ts';

export interface Reply {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
  /** A body sent as is (not JSON). */
  text?: { contentType: string; body: string };
}

export interface Request {
  state: GitHubState;
  urls: Urls;
  now: number;
  query: URLSearchParams;
  /** The parsed JSON body; undefined when empty. */
  body: unknown;
  /** False when the body is not valid JSON. */
  bodyIsJson: boolean;
  accept: string;
  /** The caller (routes that write always have one). */
  actor?: Actor;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A JSON value as GitHub quotes it in its schema refusals. */
function quote(value: unknown): string {
  return JSON.stringify(value);
}

/** The request body as an object, or the 400/422 GitHub answers. */
function objectBody(req: Request, docUrl: string): Record<string, unknown> | ErrorReply {
  if (!req.bodyIsJson) return error(400, MESSAGES.problemsParsingJson, docUrl);
  if (req.body === undefined) return {};
  if (!isObject(req.body)) return error(400, MESSAGES.bodyNotObject, docUrl);
  return req.body;
}

function isError(value: unknown): value is ErrorReply {
  return isObject(value) && typeof value.status === 'number' && isObject(value.body);
}

/** Type checks of optional fields, in GitHub's schema wording. */
function typeError(
  body: Record<string, unknown>,
  fields: Record<string, 'string' | 'boolean' | 'string|null'>,
  docUrl: string,
): ErrorReply | undefined {
  for (const [field, type] of Object.entries(fields)) {
    const value = body[field];
    if (value === undefined) continue;
    if (type === 'string|null' && (value === null || typeof value === 'string')) continue;
    if (typeof value === type.split('|')[0]) continue;
    return invalidRequest(
      `For 'properties/${field}', ${quote(value)} is not a ${type.split('|')[0]}.`,
      docUrl,
    );
  }
  return undefined;
}

function deploymentIn(req: Request, id: string): StoredDeployment | undefined {
  return /^\d+$/.test(id) ? req.state.deployment(Number(id)) : undefined;
}

// ---- Deployments --------------------------------------------------------------------------------

export function createDeployment(req: Request): Reply {
  const doc = DOC_URL.createDeployment;
  const body = objectBody(req, doc);
  if (isError(body)) return body;
  if (body.ref === undefined) return invalidRequest(`"ref" wasn't supplied.`, doc);
  const wrongType = typeError(
    body,
    {
      ref: 'string',
      task: 'string',
      environment: 'string',
      description: 'string|null',
      auto_merge: 'boolean',
      transient_environment: 'boolean',
      production_environment: 'boolean',
    },
    doc,
  );
  if (wrongType) return wrongType;
  const contexts = body.required_contexts;
  if (contexts !== undefined) {
    if (!Array.isArray(contexts)) {
      return invalidRequest(
        `For 'properties/required_contexts', ${quote(contexts)} is not an array.`,
        doc,
      );
    }
    const bad = contexts.find((c) => typeof c !== 'string');
    if (bad !== undefined)
      return invalidRequest(`For 'items', ${quote(bad)} is not a string.`, doc);
  }
  const payload = body.payload;
  if (payload !== undefined && !isObject(payload) && typeof payload !== 'string') {
    return invalidRequest(
      `For 'properties/payload', ${quote(payload)} is not an object or string.`,
      doc,
    );
  }
  const environment = (body.environment as string | undefined) ?? DEPLOYMENT_DEFAULTS.environment;
  const envError = environmentError(environment, 'Deployment', doc);
  if (envError) return envError;

  const ref = body.ref as string;
  const { state } = req;
  const sha = state.resolveRef(ref);
  if (!sha) return error(422, MESSAGES.noRefFound(ref), doc);

  const base = state.scenario.defaultBranch;
  if (body.auto_merge !== false) {
    if (state.conflicts(ref, sha)) return error(409, MESSAGES.mergeConflict(base, ref), doc);
    if (state.takeBehind(ref, sha))
      return { status: 202, body: { message: MESSAGES.autoMerged(base, ref) } };
  }
  const all = state.contexts(sha);
  const required = (contexts as string[] | undefined) ?? Object.keys(all);
  if (required.some((c) => all[c] !== 'success')) {
    return {
      status: 409,
      body: {
        message: MESSAGES.checksFailed(ref),
        errors: [
          {
            resource: 'Deployment',
            field: 'required_contexts',
            code: 'invalid',
            contexts: Object.entries(all).map(([context, s]) => ({ context, state: s })),
          },
        ],
        documentation_url: doc,
        status: '409',
      },
    };
  }

  const deployment = state.addDeployment({
    sha,
    ref,
    task: (body.task as string | undefined) ?? DEPLOYMENT_DEFAULTS.task,
    payload: structuredClone(payload ?? {}),
    original_environment: environment,
    environment,
    description: body.description === undefined ? '' : (body.description as string | null),
    creator: req.actor!,
    createdAt: req.now,
    transient_environment: (body.transient_environment as boolean | undefined) ?? false,
    production_environment:
      (body.production_environment as boolean | undefined) ?? environment === 'production',
  });
  return { status: 201, body: deploymentJson(deployment, state.scenario, req.urls) };
}

function environmentError(
  environment: string,
  resource: string,
  doc: string,
): ErrorReply | undefined {
  if (environment.trim() === '') {
    return validationFailed(resource, 'environment', MESSAGES.environmentBlank, doc);
  }
  if (characterCount(environment) > ENVIRONMENT_MAX) {
    return validationFailed(
      resource,
      'environment',
      MESSAGES.environmentTooLong(ENVIRONMENT_MAX),
      doc,
    );
  }
  return undefined;
}

export function listDeployments(req: Request): Reply {
  const { state, query } = req;
  const s = state.scenario;
  // Empty filter values are ignored, as GitHub does.
  const filter = (name: string) => query.get(name) || undefined;
  const [sha, ref, task, environment] = ['sha', 'ref', 'task', 'environment'].map(filter);
  const matching = state
    .allDeployments()
    .filter(
      (d) =>
        (sha === undefined || d.sha === sha) &&
        (ref === undefined || d.ref === ref) &&
        (task === undefined || d.task === task) &&
        (environment === undefined || sameEnvironment(d.environment, environment)),
    );
  const page = paginate(
    ordered(matching, s.deploymentOrder, s.shuffleSeed),
    query,
    `${linkBase(req.urls, s)}/deployments`,
  );
  return {
    status: 200,
    body: page.items.map((d) => deploymentJson(d, s, req.urls)),
    headers: page.link ? { link: page.link } : {},
  };
}

export function getDeployment(req: Request, id: string): Reply {
  const d = deploymentIn(req, id);
  if (!d) return error(404, MESSAGES.notFound, DOC_URL.getDeployment);
  return { status: 200, body: deploymentJson(d, req.state.scenario, req.urls) };
}

// ---- Deployment statuses ------------------------------------------------------------------------

function urlError(value: unknown, field: string, doc: string): ErrorReply | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value !== 'string') {
    return invalidRequest(`For 'properties/${field}', ${quote(value)} is not a string.`, doc);
  }
  return /^https?:\/\//i.test(value)
    ? undefined
    : validationFailed('DeploymentStatus', field, MESSAGES.urlScheme(field), doc);
}

export function createStatus(req: Request, id: string): Reply {
  const doc = DOC_URL.createStatus;
  const deployment = deploymentIn(req, id);
  if (!deployment) return error(404, MESSAGES.notFound, doc);
  const body = objectBody(req, doc);
  if (isError(body)) return body;
  if (!DEPLOYMENT_STATES.includes(body.state as DeploymentState)) {
    return validationFailed('DeploymentStatus', 'state', MESSAGES.stateNotInList, doc);
  }
  const wrongType = typeError(body, { description: 'string|null', environment: 'string' }, doc);
  if (wrongType) return wrongType;
  const description = (body.description as string | null | undefined) ?? '';
  if (characterCount(description) > STATUS_DESCRIPTION_MAX) {
    return validationFailed(
      'DeploymentStatus',
      'description',
      MESSAGES.descriptionTooLong(STATUS_DESCRIPTION_MAX),
      doc,
    );
  }
  // log_url and its older name target_url; a refusal of either names target_url (observed).
  const logUrl = body.log_url ?? body.target_url;
  const badUrl =
    urlError(body.environment_url, 'environment_url', doc) ?? urlError(logUrl, 'target_url', doc);
  if (badUrl) return badUrl;
  const environment = body.environment as string | undefined;
  if (environment !== undefined) {
    const envError = environmentError(environment, 'DeploymentStatus', doc);
    if (envError) return envError;
  }

  const status = req.state.addStatus(
    deployment,
    {
      state: body.state as DeploymentState,
      description,
      environment: environment ?? deployment.environment,
      environment_url: (body.environment_url as string | null | undefined) ?? '',
      log_url: (logUrl as string | null | undefined) ?? '',
      creator: req.actor!,
      createdAt: req.now,
    },
    autoInactiveOn(body.auto_inactive),
  );
  return { status: 201, body: statusJson(deployment, status, req.state.scenario, req.urls) };
}

export function listStatuses(req: Request, id: string): Reply {
  const deployment = deploymentIn(req, id);
  if (!deployment) return error(404, MESSAGES.notFound, DOC_URL.listStatuses);
  const s = req.state.scenario;
  const page = paginate(
    ordered(deployment.statuses, s.statusOrder, s.shuffleSeed),
    req.query,
    `${linkBase(req.urls, s)}/deployments/${deployment.id}/statuses`,
  );
  return {
    status: 200,
    body: page.items.map((st) => statusJson(deployment, st, s, req.urls)),
    headers: page.link ? { link: page.link } : {},
  };
}

export function getStatus(req: Request, id: string, statusId: string): Reply {
  const deployment = deploymentIn(req, id);
  const status = deployment?.statuses.find((st) => String(st.id) === statusId);
  if (!deployment || !status) return error(404, MESSAGES.notFound, DOC_URL.getStatus);
  return { status: 200, body: statusJson(deployment, status, req.state.scenario, req.urls) };
}

// ---- Commits ------------------------------------------------------------------------------------

export function getCommit(req: Request, ref: string): Reply {
  const s = req.state.scenario;
  const sha = req.state.resolveRef(ref);
  if (!sha) {
    return s.commitNotFoundStatus === 404
      ? error(404, MESSAGES.notFound, DOC_URL.getCommit)
      : error(422, MESSAGES.noCommitFound(ref), DOC_URL.getCommit);
  }
  // The sha media type answers the bare SHA (documented).
  if (/application\/vnd\.github(?:\.v3)?\.sha/i.test(req.accept)) {
    return {
      status: 200,
      body: undefined,
      text: { contentType: 'text/plain; charset=utf-8', body: sha },
    };
  }
  return { status: 200, body: commitJson(sha, s, req.urls, req.now) };
}
