// The transport to the Zilliz Cloud control-plane API (v2): one request, the {code, data}
// envelope, its errors, per-request time limits and retries. Reads retry transient failures on
// their own; a request that creates something never does (its caller must first find out
// whether it worked). The endpoints (backups.ts, jobs.ts …) sit on top of this.
import type { HttpClient } from '../core/http.ts';
import { Deadline, DeadlineExceededError, formatDuration } from '../core/deadline.ts';
import {
  ApiError,
  ApiRequestError,
  EmptyReplyError,
  HttpStatusError,
  MalformedReplyError,
  NetworkError,
} from './errors.ts';
import type { Log } from '../core/log.ts';
import { endpointOf, RateLimiter } from '../core/rate-limit.ts';
import { parseRetryAfter, retryDelay } from '../core/retry.ts';

export const DEFAULT_REQUEST_TIMEOUT_MS = 30_000;
/** Zilliz documents 20 requests per second per endpoint; 18 leaves room for network jitter. */
export const REQUESTS_PER_SECOND = 18;
/** Server messages are quoted up to this length. */
const MAX_MESSAGE_CHARS = 300;
/** A read whose replies keep coming back malformed is given up after this many more tries. */
const MALFORMED_RETRIES = 4;

export interface ClientOptions {
  baseUrl: string;
  apiKey: string;
  deadline: Deadline;
  log: Log;
  http: HttpClient;
  userAgent: string;
  requestTimeoutMs?: number;
  random?: () => number;
}

export interface Reply {
  data: Record<string, unknown>;
  requestId: string | undefined;
}

export type Json = Record<string, unknown>;

export function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * A short, single-line excerpt of a body that was not the expected JSON (HTML error pages…).
 * Works on the first few KB only, with patterns that cannot backtrack, so that a huge or
 * pathological body costs no time.
 */
function excerpt(text: string): string {
  const plain = text
    .slice(0, 4_096)
    .replace(/<[^<>]*>/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  return plain.length > 120 ? `${plain.slice(0, 117)}...` : plain;
}

function headerValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

export class Transport {
  protected readonly options: Required<ClientOptions>;
  private readonly rateLimit = new RateLimiter(REQUESTS_PER_SECOND);

  constructor(options: ClientOptions) {
    this.options = {
      ...options,
      requestTimeoutMs: options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS,
      random: options.random ?? Math.random,
    };
  }

  /** How long to wait before repeating a request that failed with `error`. */
  retryDelay(error: ApiRequestError, attempt: number): number {
    const retryAfterMs = error instanceof HttpStatusError ? error.retryAfterMs : undefined;
    return retryDelay(retryAfterMs, attempt, this.options.random);
  }

  /**
   * Waits before another try, logging what failed. Fails (DeadlineExceededError) when the
   * wait would end after the step's deadline.
   */
  async pauseBeforeRetry(error: ApiRequestError, attempt: number): Promise<void> {
    const delay = this.retryDelay(error, attempt);
    this.options.log.info(
      `${error.message}; retry ${attempt + 1} in ${formatDuration(delay)}` +
        (error instanceof HttpStatusError && error.retryAfterMs !== undefined
          ? ' (Retry-After)'
          : ''),
    );
    try {
      await this.options.deadline.sleep(delay, `retry ${attempt + 1}`);
    } catch (stop) {
      if (stop instanceof DeadlineExceededError) {
        throw new DeadlineExceededError(`${stop.message}; giving up after: ${error.message}`);
      }
      throw stop;
    }
  }

  /**
   * A read is safe to repeat: retry transient failures until they pass or time runs out. A reply
   * that `parse` finds malformed (a `code: 0` without data, a missing field) is one more glitch,
   * asked again a few times before it is taken as the server's answer.
   */
  async read<T = Reply>(
    path: string,
    label: string,
    parse: (reply: Reply) => T = (reply) => reply as T,
  ): Promise<T> {
    let malformed = 0;
    for (let attempt = 0; ; attempt++) {
      try {
        return parse(await this.send('GET', path, label));
      } catch (error) {
        if (!(error instanceof ApiRequestError)) throw error;
        const isMalformed =
          error instanceof MalformedReplyError || error instanceof EmptyReplyError;
        if (isMalformed && ++malformed > MALFORMED_RETRIES) throw error;
        if (!error.transient && !isMalformed) throw error;
        await this.pauseBeforeRetry(error, attempt);
      }
    }
  }

  async send(
    method: 'GET' | 'POST' | 'DELETE',
    path: string,
    label: string,
    body?: unknown,
  ): Promise<Reply> {
    const { deadline, requestTimeoutMs } = this.options;
    await this.rateLimit.take(endpointOf(method, path), deadline);
    const limitMs = Math.min(requestTimeoutMs, deadline.remainingMs());
    if (limitMs <= 0)
      throw new DeadlineExceededError(
        `the ${formatDuration(deadline.timeoutMs)} timeout passed before ${label}`,
      );
    const ownLimit = AbortSignal.timeout(limitMs);
    const signal = AbortSignal.any([ownLimit, deadline.signal]);
    this.options.log.debug(`${label}`);

    let status: number;
    let headers: Record<string, string | string[] | undefined>;
    let text: string;
    try {
      const response = await this.options.http.request(this.options.baseUrl + path, {
        method,
        signal,
        headers: {
          authorization: `Bearer ${this.options.apiKey}`,
          accept: 'application/json',
          'user-agent': this.options.userAgent,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      status = response.status;
      headers = response.headers;
      // undici stops reading past MAX_BODY_BYTES (src/core/http.ts): a NetworkError below.
      text = await response.body.text();
    } catch (error) {
      // The request's own limit is the deadline itself when less than a full limit was left.
      if (deadline.signal.aborted || (ownLimit.aborted && limitMs < requestTimeoutMs)) {
        throw new DeadlineExceededError(
          `the ${formatDuration(deadline.timeoutMs)} timeout passed during ${label}`,
        );
      }
      if (ownLimit.aborted) {
        throw new NetworkError(
          label,
          'REQUEST_TIMEOUT',
          `no complete reply within ${formatDuration(limitMs)}`,
        );
      }
      const cause = error as { code?: string; message?: string; cause?: { code?: string } };
      const code = cause.code ?? cause.cause?.code ?? 'UNKNOWN';
      throw new NetworkError(label, code, cause.message ?? String(error));
    }

    const requestId = headerValue(headers.requestid);
    this.options.log.debug(
      `${label} → HTTP ${status}${requestId ? `, request id ${requestId}` : ''}`,
    );
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
    const envelope = isObject(json) ? json : undefined;
    const code = envelope?.code;
    const serverMessage =
      typeof envelope?.message === 'string' ? shorten(envelope.message, MAX_MESSAGE_CHARS) : '';

    if (status === 408 || status === 429 || status >= 500) {
      const detail = envelope
        ? `${serverMessage}${typeof code === 'number' ? ` (code ${code})` : ''}`
        : excerpt(text);
      throw new HttpStatusError(
        label,
        status,
        detail,
        requestId,
        parseRetryAfter(headerValue(headers['retry-after'])),
      );
    }
    if (status >= 300 && status < 400) {
      const location = headerValue(headers.location);
      throw new HttpStatusError(
        label,
        status,
        `unexpected redirect${location ? ` to ${location}` : ''}`,
        requestId,
      );
    }
    if (status >= 400) {
      if (typeof code === 'number' && code !== 0)
        throw new ApiError(label, status, code, serverMessage, requestId);
      throw new HttpStatusError(label, status, envelope ? serverMessage : excerpt(text), requestId);
    }
    if (!envelope) {
      const type = headerValue(headers['content-type']) ?? 'no content-type';
      throw new MalformedReplyError(
        label,
        `HTTP ${status} reply is not JSON (${type}): ${excerpt(text) || 'empty body'}`,
        requestId,
        true,
      );
    }
    if (typeof code !== 'number') {
      throw new MalformedReplyError(label, 'reply has no numeric "code" field', requestId, false);
    }
    if (code !== 0)
      throw new ApiError(label, status, code, serverMessage || 'no message', requestId);
    if (!isObject(envelope.data)) throw new EmptyReplyError(label, requestId);
    return { data: envelope.data, requestId };
  }
}

/** What a string field must look like, and how to say so. */
export interface Shape {
  pattern: RegExp;
  /** "an id (letters, digits …)": completes "reply field "x" is not …". */
  description: string;
}

/** The non-empty string in `field` of a reply, of the given shape when one is given. */
export function requireString(reply: Reply, field: string, label: string, shape?: Shape): string {
  const value = reply.data[field];
  if (typeof value === 'string' && value !== '' && (!shape || shape.pattern.test(value))) {
    return value;
  }
  const shown = JSON.stringify(value)?.slice(0, 80);
  const found =
    value === undefined
      ? 'missing'
      : shape
        ? `not ${shape.description}: ${shown}`
        : `${shown} instead of a non-empty string`;
  throw new MalformedReplyError(
    label,
    `reply field "${field}" is ${found}`,
    reply.requestId,
    false,
  );
}

/** A name for outputs and the log: one line of printable text, or undefined. */
/** A whole number the API may send as a number or as a string of digits (sizes, CU counts). */
export function optionalCount(value: unknown): number | undefined {
  if (typeof value === 'number') return value;
  return typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : undefined;
}

export function optionalName(value: unknown): string | undefined {
  const text = optionalText(value);
  if (text === undefined || text === '') return undefined;
  // eslint-disable-next-line no-control-regex
  return /^[^\u0000-\u001f\u007f-\u009f\u2028\u2029]{1,255}$/.test(text) ? text : undefined;
}

function shorten(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 3)}...` : text;
}

export function optionalText(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return String(value);
  return undefined;
}
