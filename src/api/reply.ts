// Reading the fields of a reply's `data`. Server text is untrusted: a field the action needs is
// checked for its type and shape here, and a field it only shows (a name) must be one printable
// line, or it is treated as absent.
import { MalformedReplyError } from './errors.ts';

export type Json = Record<string, unknown>;

/** A reply's `data` object, and the request id that came with it (for error messages). */
export interface Reply {
  data: Json;
  /** `data` as sent, whatever its type (a list is an array). */
  value?: unknown;
  requestId: string | undefined;
}

export function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
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

/** A string as sent, a number as its decimal text, anything else undefined. */
export function optionalText(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return String(value);
  return undefined;
}

/** A name for outputs and the log: one line of printable text (at most 255), or undefined. */
export function optionalName(value: unknown): string | undefined {
  const text = optionalText(value);
  if (text === undefined || text === '') return undefined;
  // eslint-disable-next-line no-control-regex
  return /^[^\u0000-\u001f\u007f-\u009f\u2028\u2029]{1,255}$/.test(text) ? text : undefined;
}

/**
 * A whole number from 0 up, sent as a number or as a string of digits (sizes, counts, CUs);
 * anything else (negative, fractional, huge, another type) is undefined: the caller says so.
 */
export function optionalCount(value: unknown): number | undefined {
  const number =
    typeof value === 'number'
      ? value
      : typeof value === 'string' && /^\d+$/.test(value)
        ? Number(value)
        : NaN;
  return Number.isSafeInteger(number) && number >= 0 ? number : undefined;
}

/** Statuses are words in capitals (CREATING, IN_PROGRESS …); anything else is not a status. */
export function statusShape(kind: string): Shape {
  return { pattern: /^[A-Z][A-Z_]{0,39}$/, description: `a ${kind} status` };
}
