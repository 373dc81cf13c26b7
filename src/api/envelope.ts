// The {code, data} envelope of every reply, read from the HTTP status, headers and body text: a
// usable reply, or the error that says what the caller should do (retry, stop, or find out
// whether the server acted). Pure: no I/O, so every sort is tested on its own.
import { ApiError, EmptyReplyError, HttpStatusError, MalformedReplyError } from './errors.ts';
import { isObject, type Reply } from './reply.ts';
import { parseRetryAfter } from '../core/retry.ts';
import { shorten } from '../core/words.ts';

/** Server messages are quoted up to this length. */
const MAX_MESSAGE_CHARS = 300;

export type Headers = Record<string, string | string[] | undefined>;

/** What a reply must look like to be a success. */
export interface EnvelopeRules {
  /** `code` of a success: 0 on the control plane; older Milvus endpoints answer 200. */
  successCodes: ReadonlySet<number>;
  /** Whether `data` may be anything (a Milvus list is an array), not only an object. */
  anyData: boolean;
}

export const CONTROL_PLANE: EnvelopeRules = { successCodes: new Set([0]), anyData: false };

/** What came back for one request. */
export interface RawReply {
  status: number;
  headers: Headers;
  text: string;
}

export function headerValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
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
  return shorten(plain, 120);
}

/**
 * The reply's data, or the error it means: 408/429/5xx are transient (with Retry-After), other
 * 4xx final (an ApiError when the body names a code), a redirect is never followed, a 2xx must
 * be the envelope with `code: 0` and a `data` object.
 */
export function readEnvelope(
  { status, headers, text }: RawReply,
  label: string,
  rules: EnvelopeRules = CONTROL_PLANE,
): Reply {
  const requestId = headerValue(headers.requestid);
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
  if (!rules.successCodes.has(code)) {
    throw new ApiError(label, status, code, serverMessage || 'no message', requestId);
  }
  if (rules.anyData) {
    return { data: isObject(envelope.data) ? envelope.data : {}, value: envelope.data, requestId };
  }
  if (!isObject(envelope.data)) throw new EmptyReplyError(label, requestId);
  return { data: envelope.data, value: envelope.data, requestId };
}
