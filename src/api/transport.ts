// The transport to the Zilliz Cloud control-plane API (v2): one request, the {code, data}
// envelope, its errors, per-request time limits and retries. Reads retry transient failures on
// their own; a request that creates something never does (its caller must first find out
// whether it worked). The endpoints (backups.ts, jobs.ts …) sit on top of this.
import type { Dispatcher } from 'undici';
import { request } from '../core/http.ts';
import { Deadline, DeadlineExceededError, formatDuration } from '../core/deadline.ts';
import {
  ApiError,
  ApiRequestError,
  HttpStatusError,
  MalformedReplyError,
  NetworkError,
} from './errors.ts';
import type { Log } from '../core/log.ts';
import { backoffDelay, parseRetryAfter } from '../core/retry.ts';

export const DEFAULT_REQUEST_TIMEOUT_MS = 30_000;

export interface ClientOptions {
  baseUrl: string;
  apiKey: string;
  deadline: Deadline;
  log: Log;
  dispatcher: Dispatcher;
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

/** A short, single-line excerpt of a body that was not the expected JSON (HTML error pages…). */
function excerpt(text: string): string {
  const plain = text
    .replace(/<[^>]*>/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  return plain.length > 120 ? `${plain.slice(0, 117)}...` : plain;
}

function headerValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

export class Transport {
  protected readonly options: Required<ClientOptions>;

  constructor(options: ClientOptions) {
    this.options = {
      ...options,
      requestTimeoutMs: options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS,
      random: options.random ?? Math.random,
    };
  }

  /** How long to wait before repeating a request that failed with `error`. */
  retryDelay(error: ApiRequestError, attempt: number): number {
    if (error instanceof HttpStatusError && error.retryAfterMs !== undefined)
      return error.retryAfterMs;
    return backoffDelay(attempt, this.options.random);
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

  /** A read is safe to repeat: retry transient failures until they pass or time runs out. */
  async read(path: string, label: string): Promise<Reply> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.send('GET', path, label);
      } catch (error) {
        if (!(error instanceof ApiRequestError) || !error.transient) throw error;
        await this.pauseBeforeRetry(error, attempt);
      }
    }
  }

  async send(method: 'GET' | 'POST', path: string, label: string, body?: unknown): Promise<Reply> {
    const { deadline, requestTimeoutMs } = this.options;
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
      const response = await request(this.options.baseUrl + path, {
        method,
        signal,
        dispatcher: this.options.dispatcher,
        // Backstops only: the abort signals above decide (undici's own timers are coarse, and
        // must not win the race and turn "the deadline passed" into a retryable timeout).
        headersTimeout: limitMs + 1_000,
        bodyTimeout: limitMs + 1_000,
        headers: {
          authorization: `Bearer ${this.options.apiKey}`,
          accept: 'application/json',
          'user-agent': this.options.userAgent,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      status = response.statusCode;
      headers = response.headers;
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
    const serverMessage = typeof envelope?.message === 'string' ? envelope.message : '';

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
    if (!isObject(envelope.data)) {
      throw new MalformedReplyError(label, 'reply has no "data" object', requestId, false);
    }
    return { data: envelope.data, requestId };
  }
}

export function requireString(reply: Reply, field: string, label: string): string {
  const value = reply.data[field];
  if (typeof value !== 'string' || value === '') {
    const found =
      value === undefined ? 'missing' : `${JSON.stringify(value)} instead of a non-empty string`;
    throw new MalformedReplyError(
      label,
      `reply field "${field}" is ${found}`,
      reply.requestId,
      false,
    );
  }
  return value;
}

export function optionalText(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return String(value);
  return undefined;
}
