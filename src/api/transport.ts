// The transport to the Zilliz Cloud control-plane API (v2): one request at a time under the
// documented rate limit and the step's deadline, its reply read through the envelope
// (envelope.ts), and the retries of reads. A request that creates or deletes something is never
// repeated here: its caller must first find out whether it worked (see writes.ts).
import { BODY_TOO_LARGE, MAX_BODY_BYTES, type HttpClient } from '../core/http.ts';
import { Deadline, DeadlineExceededError, formatDuration } from '../core/deadline.ts';
import type { Log } from '../core/log.ts';
import { endpointOf, RateLimiter } from '../core/rate-limit.ts';
import { retryDelay } from '../core/retry.ts';
import {
  CONTROL_PLANE,
  headerValue,
  readEnvelope,
  type EnvelopeRules,
  type RawReply,
} from './envelope.ts';
import {
  ApiRequestError,
  EmptyReplyError,
  HttpStatusError,
  MalformedReplyError,
  NetworkError,
} from './errors.ts';
import type { Reply } from './reply.ts';

export const DEFAULT_REQUEST_TIMEOUT_MS = 30_000;
/** Zilliz documents 20 requests per second per endpoint; 18 leaves room for network jitter. */
export const REQUESTS_PER_SECOND = 18;
/** A read whose replies keep coming back malformed is given up after this many more tries. */
const MALFORMED_RETRIES = 4;

export interface TransportOptions {
  baseUrl: string;
  /** Sent as "Authorization: Bearer …": the API key, or a cluster's username:password. */
  token: string;
  deadline: Deadline;
  log: Log;
  http: HttpClient;
  userAgent: string;
  requestTimeoutMs?: number;
  random?: () => number;
  /** What a successful reply looks like (the control plane's envelope by default). */
  envelope?: EnvelopeRules;
  /** A read is tried at most this many times (until the deadline when left out). */
  maxAttempts?: number;
}

export type Method = 'GET' | 'POST' | 'DELETE';

export class Transport {
  private readonly options: Required<TransportOptions>;
  private readonly rateLimit = new RateLimiter(REQUESTS_PER_SECOND);

  constructor(options: TransportOptions) {
    this.options = {
      ...options,
      requestTimeoutMs: options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS,
      random: options.random ?? Math.random,
      envelope: options.envelope ?? CONTROL_PLANE,
      maxAttempts: options.maxAttempts ?? Infinity,
    };
  }

  get deadline(): Deadline {
    return this.options.deadline;
  }

  get log(): Log {
    return this.options.log;
  }

  /**
   * Waits before trying again after `error` (the server's Retry-After, or backoff with jitter),
   * logging what failed. Fails (DeadlineExceededError) when the wait would end after the
   * step's deadline.
   */
  async pauseBeforeRetry(error: ApiRequestError, attempt: number): Promise<void> {
    const retryAfterMs = error instanceof HttpStatusError ? error.retryAfterMs : undefined;
    const delay = retryDelay(retryAfterMs, attempt, this.options.random);
    this.options.log.info(
      `${error.message}; retry ${attempt + 1} in ${formatDuration(delay)}` +
        (retryAfterMs !== undefined ? ' (Retry-After)' : ''),
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
   * A read is safe to repeat: retry transient failures until they pass, time runs out or
   * `maxAttempts` are used. A reply that `parse` finds malformed (a `code: 0` without data, a
   * missing field) is one more glitch, asked again a few times before it is taken as the
   * server's answer. A read is a GET, or a POST with `body` where the API reads that way (the
   * cluster's endpoint).
   */
  async read<T = Reply>(
    path: string,
    label: string,
    parse: (reply: Reply) => T = (reply) => reply as T,
    body?: unknown,
  ): Promise<T> {
    let malformed = 0;
    for (let attempt = 0; ; attempt++) {
      try {
        return parse(await this.send(body === undefined ? 'GET' : 'POST', path, label, body));
      } catch (error) {
        if (!(error instanceof ApiRequestError)) throw error;
        const isMalformed =
          error instanceof MalformedReplyError || error instanceof EmptyReplyError;
        if (isMalformed && ++malformed > MALFORMED_RETRIES) throw error;
        if (!error.transient && !isMalformed) throw error;
        if (attempt + 1 >= this.options.maxAttempts) throw error;
        await this.pauseBeforeRetry(error, attempt);
      }
    }
  }

  /** One request, once: its reply's data, or the error that sorts its failure. */
  async send(method: Method, path: string, label: string, body?: unknown): Promise<Reply> {
    await this.rateLimit.take(endpointOf(method, path), this.options.deadline);
    const raw = await this.exchange(method, path, label, body);
    return readEnvelope(raw, label, this.options.envelope);
  }

  /**
   * The HTTP exchange under its own time limit and the deadline, the reply read whole (up to
   * MAX_BODY_BYTES); a failure to get it becomes a NetworkError or DeadlineExceededError.
   */
  private async exchange(
    method: Method,
    path: string,
    label: string,
    body: unknown,
  ): Promise<RawReply> {
    const { deadline, requestTimeoutMs, log, http } = this.options;
    const limitMs = Math.min(requestTimeoutMs, deadline.remainingMs());
    if (limitMs <= 0) {
      throw new DeadlineExceededError(
        `the ${formatDuration(deadline.timeoutMs)} timeout passed before ${label}`,
      );
    }
    const ownLimit = AbortSignal.timeout(limitMs);
    log.debug(label);
    try {
      const response = await http.request(this.options.baseUrl + path, {
        method,
        signal: AbortSignal.any([ownLimit, deadline.signal]),
        headers: {
          authorization: `Bearer ${this.options.token}`,
          accept: 'application/json',
          'user-agent': this.options.userAgent,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      // undici stops reading past MAX_BODY_BYTES (src/core/http.ts): caught below.
      const text = await response.body.text();
      const requestId = headerValue(response.headers.requestid);
      log.debug(
        `${label} → HTTP ${response.status}${requestId ? `, request id ${requestId}` : ''}`,
      );
      return { status: response.status, headers: response.headers, text };
    } catch (error) {
      // The request's own limit is the deadline itself when less than a full limit was left.
      if (deadline.signal.aborted || (ownLimit.aborted && limitMs < requestTimeoutMs)) {
        throw new DeadlineExceededError(
          `the ${formatDuration(deadline.timeoutMs)} timeout passed during ${label}`,
          label,
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
      if (code === BODY_TOO_LARGE) {
        // Not a network fault: a reply no API answer comes near. Asked again a few times (as
        // any malformed reply), then taken as the answer.
        throw new MalformedReplyError(
          label,
          `reply body is larger than ${MAX_BODY_BYTES / 1024 / 1024} MiB: not read further`,
          undefined,
          true,
        );
      }
      throw new NetworkError(label, code, cause.message ?? String(error));
    }
  }
}
