// What can go wrong talking to the API, sorted by what the caller should do about it:
// retry (transient), stop (final), and, for a create, whether the server may have acted on it.
import { CONNECT_TIMEOUT, PROXY_REFUSED } from '../core/http.ts';

/** Did the server possibly act on the request? Decides whether a create may be repeated. */
export type Outcome = 'not-processed' | 'unknown' | 'processed';

export abstract class ApiRequestError extends Error {
  /** "POST /v2/clusters/…/backups/create" */
  readonly request: string;
  readonly requestId: string | undefined;
  abstract readonly transient: boolean;
  abstract readonly outcome: Outcome;

  constructor(request: string, message: string, requestId?: string) {
    super(`${request}: ${message}${requestId ? ` (request id ${requestId})` : ''}`);
    this.request = request;
    this.requestId = requestId;
  }
}

// Business codes, sorted once for every action. Zilliz's v2 table (96xxx) and the older tables
// (80xxx, 90xxx, 21119) seen in recorded traffic both occur.

/** The API key was refused. */
export const KEY_CODES: ReadonlySet<number> = new Set([21119, 80001, 80002]);
/** The cluster is unknown to the key, or not a Dedicated cluster. */
export const CLUSTER_CODES: ReadonlySet<number> = new Set([80020, 80021]);
/** A collection or database named in the request does not exist or is not a valid name. */
export const COLLECTION_CODES: ReadonlySet<number> = new Set([90001, 90011]);
/** The job (96026) or backup asked about is not known. */
export const NOT_FOUND_CODES: ReadonlySet<number> = new Set([96026]);

/**
 * Does this answer mean that the backup (or job) asked about does not exist? No code is
 * documented for an unknown backup: besides the codes above and an HTTP 404, a parameter
 * refusal (80000) whose message says the thing does not exist counts, and nothing else.
 */
export function isNotFound(error: unknown): boolean {
  if (!(error instanceof ApiError)) return false;
  return (
    NOT_FOUND_CODES.has(error.code) ||
    error.httpStatus === 404 ||
    (error.code === 80000 && /\b(does not exist|not exist|not found)\b/i.test(error.serverMessage))
  );
}
/**
 * The request itself is wrong: no other backup or job can explain the refusal, so it is final.
 * Any other non-zero code (40003, 96038 "Failed to create backup. %s" …) may be the API's
 * undocumented "busy" answer, after which the backup list must be checked.
 */
export const REQUEST_ERROR_CODES: ReadonlySet<number> = new Set([
  ...KEY_CODES,
  ...CLUSTER_CODES,
  ...COLLECTION_CODES,
  ...NOT_FOUND_CODES,
  80000, // incorrect parameter
  96008, // page size out of range
  96037, // restore parameters invalid
]);

/** A reply with a non-zero `code`: the server understood and refused. Never retried. */
export class ApiError extends ApiRequestError {
  readonly code: number;
  readonly serverMessage: string;
  readonly httpStatus: number;
  readonly transient = false;
  readonly outcome = 'processed';

  constructor(
    request: string,
    httpStatus: number,
    code: number,
    serverMessage: string,
    requestId?: string,
  ) {
    super(request, `Zilliz Cloud error ${code}: ${serverMessage} (HTTP ${httpStatus})`, requestId);
    this.name = 'ApiError';
    this.code = code;
    this.serverMessage = serverMessage;
    this.httpStatus = httpStatus;
  }
}

/** An HTTP status without a usable `code`: 408/429/5xx are transient, the rest final. */
export class HttpStatusError extends ApiRequestError {
  readonly status: number;
  /** From Retry-After, when the server sent one. */
  readonly retryAfterMs: number | undefined;
  readonly transient: boolean;
  readonly outcome: Outcome;

  constructor(
    request: string,
    status: number,
    detail: string,
    requestId?: string,
    retryAfterMs?: number,
  ) {
    super(request, `HTTP ${status}${detail ? `: ${detail}` : ''}`, requestId);
    this.name = 'HttpStatusError';
    this.status = status;
    this.retryAfterMs = retryAfterMs;
    this.transient = status === 408 || status === 429 || status >= 500;
    // A 429 is a refusal before any work; 408 and 5xx may come after the work was done.
    this.outcome =
      status === 429 ? 'not-processed' : status === 408 || status >= 500 ? 'unknown' : 'processed';
  }
}

/** A 2xx reply that is not the documented JSON envelope. */
export class MalformedReplyError extends ApiRequestError {
  readonly transient: boolean;
  readonly outcome: Outcome;

  /** `transient`: the body was not JSON at all (typically a proxy's HTML page). */
  constructor(request: string, message: string, requestId: string | undefined, transient: boolean) {
    super(request, message, requestId);
    this.name = 'MalformedReplyError';
    this.transient = transient;
    this.outcome = transient ? 'unknown' : 'processed';
  }
}

/**
 * `{"code": 0}` with no `data` object: the server accepted the request but said nothing about it.
 * A read asks again; for a create it means the thing exists, ids unknown.
 */
export class EmptyReplyError extends ApiRequestError {
  readonly transient = true;
  readonly outcome = 'processed';

  constructor(request: string, requestId: string | undefined, what = 'without a "data" object') {
    super(request, `reply is "code": 0 ${what}`, requestId);
    this.name = 'EmptyReplyError';
  }
}

// Errors raised before anything reached the server: repeating them can't duplicate work.
const NOT_SENT_CODES = new Set([
  'ECONNREFUSED',
  CONNECT_TIMEOUT,
  'EAI_AGAIN',
  'ENETUNREACH',
  'EHOSTUNREACH',
]);
// Errors raised before anything reached the server that will not fix themselves within a step:
// an unknown host, a proxy that refuses the tunnel (bad credentials, a target it does not allow).
const FINAL_NOT_SENT_CODES = new Set(['ENOTFOUND', PROXY_REFUSED]);
// Errors worth retrying. Unknown host and certificate problems are not among them: they do not
// fix themselves within a step.
const TRANSIENT_CODES = new Set([
  ...NOT_SENT_CODES,
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'REQUEST_TIMEOUT',
  // undici's: the connection closed under the request, its backstop timers: asked again, as a
  // 5xx would be. (A body too large is a MalformedReplyError: see the transport.)
  'UND_ERR_SOCKET',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
]);

/** The connection failed, broke, or the request ran out of its own time limit. */
export class NetworkError extends ApiRequestError {
  readonly code: string;
  readonly transient: boolean;
  readonly outcome: Outcome;

  constructor(request: string, code: string, message: string) {
    super(request, `${message} [${code}]`);
    this.name = 'NetworkError';
    this.code = code;
    this.transient = TRANSIENT_CODES.has(code);
    this.outcome =
      NOT_SENT_CODES.has(code) || FINAL_NOT_SENT_CODES.has(code) ? 'not-processed' : 'unknown';
  }
}
