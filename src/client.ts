// The Zilliz Cloud control-plane API (v2), as its public reference describes it:
// the request, the {code, data} envelope, its errors, per-request time limits and retries.
// Reads retry transient failures on their own; a create never does (see backup.ts for why).
import { request, type Dispatcher } from 'undici';
import { Deadline, DeadlineExceededError, formatDuration } from './deadline.ts';
import {
  ApiError,
  ApiRequestError,
  HttpStatusError,
  MalformedReplyError,
  NetworkError,
} from './errors.ts';
import type { Log } from './log.ts';
import { backoffDelay, parseRetryAfter } from './retry.ts';

export const DEFAULT_REQUEST_TIMEOUT_MS = 30_000;
// Enough for any real cluster; stops a misbehaving server from paging us forever.
const MAX_LIST_PAGES = 50;
const LIST_PAGE_SIZE = 100;

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

export interface CreateBackupBody {
  backupType: 'CLUSTER' | 'COLLECTION';
  dbCollections?: { dbName?: string; collectionNames: string[] }[];
  crossRegionCopies?: { regionId: string }[];
}

export interface CreatedBackup {
  backupId: string;
  backupName: string;
  jobId: string;
  requestId: string | undefined;
}

export interface Job {
  jobId: string;
  status: string;
  /** Percent, as the API sends it (a string). */
  progress: string | undefined;
  reason: string | undefined;
}

export interface BackupInfo {
  backupId: string;
  backupName: string;
  status: string;
  creationMethod: string | undefined;
  backupType: string | undefined;
  size: number | undefined;
}

interface Reply {
  data: Record<string, unknown>;
  requestId: string | undefined;
}

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
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

export class ZillizClient {
  private readonly options: Required<ClientOptions>;

  constructor(options: ClientOptions) {
    this.options = {
      ...options,
      requestTimeoutMs: options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS,
      random: options.random ?? Math.random,
    };
  }

  /** One attempt, never repeated here: the caller must first find out whether it worked. */
  async createBackup(clusterId: string, body: CreateBackupBody): Promise<CreatedBackup> {
    const label = `POST /v2/clusters/${clusterId}/backups/create`;
    const reply = await this.send(
      'POST',
      `/v2/clusters/${encodeURIComponent(clusterId)}/backups/create`,
      label,
      body,
    );
    return {
      backupId: requireString(reply, 'backupId', label),
      backupName: requireString(reply, 'backupName', label),
      jobId: requireString(reply, 'jobId', label),
      requestId: reply.requestId,
    };
  }

  async describeJob(jobId: string): Promise<Job> {
    const label = `GET /v2/jobs/${jobId}`;
    const reply = await this.read(`/v2/jobs/${encodeURIComponent(jobId)}`, label);
    return {
      jobId,
      status: requireString(reply, 'status', label),
      progress: optionalText(reply.data.progress),
      reason: optionalText(reply.data.reason),
    };
  }

  async describeBackup(clusterId: string, backupId: string): Promise<BackupInfo> {
    const label = `GET /v2/clusters/${clusterId}/backups/${backupId}`;
    const reply = await this.read(
      `/v2/clusters/${encodeURIComponent(clusterId)}/backups/${encodeURIComponent(backupId)}`,
      label,
    );
    return toBackupInfo(reply.data, reply.requestId, label);
  }

  /** Every AVAILABLE or CREATING backup of a cluster (all pages), newest first as listed. */
  async listBackups(clusterId: string, creationMethod?: 'MANUAL' | 'AUTO'): Promise<BackupInfo[]> {
    const backups: BackupInfo[] = [];
    for (let page = 1; page <= MAX_LIST_PAGES; page++) {
      const query = new URLSearchParams({
        clusterId,
        ...(creationMethod ? { creationMethod } : {}),
        pageSize: String(LIST_PAGE_SIZE),
        currentPage: String(page),
      });
      const label = `GET /v2/backups?${query}`;
      const reply = await this.read(`/v2/backups?${query}`, label);
      const list = reply.data.backups;
      if (!Array.isArray(list)) {
        throw new MalformedReplyError(label, 'reply has no "backups" list', reply.requestId, false);
      }
      backups.push(...list.map((item: unknown) => toBackupInfo(item, reply.requestId, label)));
      const count = typeof reply.data.count === 'number' ? reply.data.count : backups.length;
      if (list.length === 0 || backups.length >= count) break;
    }
    return backups;
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
  private async read(path: string, label: string): Promise<Reply> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.send('GET', path, label);
      } catch (error) {
        if (!(error instanceof ApiRequestError) || !error.transient) throw error;
        await this.pauseBeforeRetry(error, attempt);
      }
    }
  }

  private async send(
    method: 'GET' | 'POST',
    path: string,
    label: string,
    body?: unknown,
  ): Promise<Reply> {
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

function requireString(reply: Reply, field: string, label: string): string {
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

function optionalText(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return String(value);
  return undefined;
}

function toBackupInfo(item: unknown, requestId: string | undefined, label: string): BackupInfo {
  const data = isObject(item) ? item : {};
  const reply = { data, requestId };
  const size =
    typeof data.size === 'number'
      ? data.size
      : typeof data.size === 'string' && /^\d+$/.test(data.size)
        ? Number(data.size)
        : undefined;
  return {
    backupId: requireString(reply, 'backupId', label),
    backupName: optionalText(data.backupName) ?? '',
    status: requireString(reply, 'status', label),
    creationMethod: optionalText(data.creationMethod),
    backupType: optionalText(data.backupType),
    size,
  };
}
