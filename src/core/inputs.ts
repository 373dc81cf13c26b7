// Typed input parsing shared by every action of the suite: lists, durations, booleans, enums and
// the base URL. Each parser reports a problem (naming the input, the value and what is accepted)
// into a list, so that an action's settings can report every mistake at once, before any request.
import * as core from '@actions/core';
import { shorten } from './words.ts';

/** Thrown with every problem found in the inputs, one per line. */
export class InputError extends Error {
  readonly problems: string[];
  constructor(problems: string[]) {
    super(
      problems.length === 1
        ? `Invalid input: ${problems[0]}`
        : `Invalid inputs:\n${problems.map((p) => `- ${p}`).join('\n')}`,
    );
    this.name = 'InputError';
    this.problems = problems;
  }
}

export const BOOLEAN_FORMS = ['true', 'True', 'TRUE', 'false', 'False', 'FALSE'];

/** Shown in messages instead of values that could be anything (including pasted secrets). */
export function quote(value: string): string {
  return JSON.stringify(shorten(value, 80));
}

/** An input, trimmed; '' when not given. */
export function input(name: string): string {
  return core.getInput(name).trim();
}

/**
 * Was the input given at all? A runner always sets an input (to its default when the workflow
 * leaves it out), so this tells `name: ''` apart from a local run that leaves it unset.
 */
export function inputGiven(name: string): boolean {
  return process.env[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`] !== undefined;
}

/** Splits on commas and newlines, trims, drops empty entries and duplicates (first one wins). */
export function parseList(raw: string): string[] {
  const items = raw
    .split(/[,\n]/)
    .map((item) => item.trim())
    .filter((item) => item !== '');
  return [...new Set(items)];
}

/**
 * `90s`, `15m`, `1h30m`, `1h 30m`, `30d`, `1d12h` or a bare number of seconds. Returns
 * milliseconds, or undefined when the text is not a duration.
 */
export function parseDuration(raw: string): number | undefined {
  const text = raw.trim().toLowerCase();
  if (/^\d+$/.test(text)) return Number(text) * 1_000;
  const match = /^(?:(\d+)\s*d)?\s*(?:(\d+)\s*h)?\s*(?:(\d+)\s*m)?\s*(?:(\d+)\s*s)?$/.exec(text);
  if (!match || text === '') return undefined;
  const [, days = '0', hours = '0', minutes = '0', seconds = '0'] = match;
  const totalHours = Number(days) * 24 + Number(hours);
  return ((totalHours * 60 + Number(minutes)) * 60 + Number(seconds)) * 1_000;
}

/** A whole number from `min` to `max`; `min` when it is not one (with a problem pushed). */
export function parseInteger(
  name: string,
  raw: string,
  range: { min: number; max: number },
  problems: string[],
): number {
  const value = /^\d+$/.test(raw) ? Number(raw) : NaN;
  if (!(value >= range.min && value <= range.max)) {
    problems.push(`${name}: ${quote(raw)} is not a whole number from ${range.min} to ${range.max}`);
    return range.min;
  }
  return value;
}

export function parseEnum<T extends string>(
  name: string,
  raw: string,
  accepted: readonly T[],
  problems: string[],
): T {
  const found = accepted.find((option) => option.toLowerCase() === raw.toLowerCase());
  if (found === undefined) {
    problems.push(`${name}: ${quote(raw)} is not one of ${accepted.join(', ')} (any case)`);
    return accepted[0] as T;
  }
  return found;
}

/** A boolean input; `fallback` when it is not given. */
export function parseBoolean(name: string, fallback: boolean, problems: string[]): boolean {
  const raw = input(name);
  if (raw === '') return fallback;
  try {
    return core.getBooleanInput(name);
  } catch {
    problems.push(
      `${name}: ${quote(raw)} is not a boolean (accepted: ${BOOLEAN_FORMS.join(', ')})`,
    );
    return fallback;
  }
}

export const MIN_TIMEOUT_MS = 1_000;
export const MAX_TIMEOUT_MS = 24 * 3_600_000;

/** The step's `timeout` input, in milliseconds (0 when invalid, with a problem pushed). */
export function parseTimeout(raw: string, problems: string[]): number {
  const timeoutMs = parseDuration(raw);
  if (timeoutMs === undefined) {
    problems.push(`timeout: ${quote(raw)} is not a duration (e.g. 90s, 15m, 1h30m or 600)`);
    return 0;
  }
  if (timeoutMs < MIN_TIMEOUT_MS || timeoutMs > MAX_TIMEOUT_MS) {
    problems.push(`timeout: ${quote(raw)} is out of range (from 1s to 24h)`);
    return 0;
  }
  return timeoutMs;
}

/**
 * Hosts on the runner itself, where plain http stays on the machine. The toolkit's proxy rules
 * (src/core/http.ts) send every one of them direct, never through a proxy.
 */
export function isLoopback(hostname: string): boolean {
  return (
    hostname === 'localhost' ||
    hostname === '[::1]' ||
    /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(hostname)
  );
}

/** Returns the normalised base URL (no trailing slash), or pushes a problem and returns ''. */
export function parseBaseUrl(raw: string, example: string, problems: string[]): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    problems.push(`base-url: ${quote(raw)} is not a URL (expected e.g. ${example})`);
    return '';
  }
  const before = problems.length;
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && isLoopback(url.hostname))) {
    problems.push(
      `base-url: ${quote(url.origin)} must use https:// (plain http is accepted only for ` +
        'localhost, 127.0.0.0/8 and [::1])',
    );
  }
  if (url.username || url.password) {
    problems.push('base-url: must not contain credentials (the API key goes in the api-key input)');
  }
  if (url.search || url.hash || raw.includes('?') || raw.includes('#')) {
    problems.push(
      `base-url: ${quote(url.origin + url.pathname)} must not have a query or fragment`,
    );
  }
  if (problems.length > before) return '';
  return (url.origin + url.pathname).replace(/\/+$/, '');
}
