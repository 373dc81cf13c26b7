// Inputs → one typed, validated Settings object. All input validation lives here, so that
// every mistake is reported (all at once) before the action sends a single request.
import * as core from '@actions/core';

export type BackupType = 'CLUSTER' | 'COLLECTION';
export type IfInProgress = 'wait' | 'fail';

export interface Settings {
  apiKey: string;
  clusterId: string;
  backupType: BackupType;
  /** Collection names, trimmed and de-duplicated; empty for a CLUSTER backup. */
  collections: string[];
  /** Database of the collections; undefined means the cluster's default database. */
  database: string | undefined;
  wait: boolean;
  /** Budget for the whole step, in milliseconds. */
  timeoutMs: number;
  /** Origin plus optional path prefix, never with a trailing slash. */
  baseUrl: string;
  ifInProgress: IfInProgress;
  /** Region ids that receive a permanent copy of the backup. */
  copyToRegions: string[];
}

export const DEFAULTS = {
  'backup-type': 'CLUSTER',
  wait: 'true',
  timeout: '1h',
  'base-url': 'https://api.cloud.zilliz.com',
  'if-in-progress': 'wait',
} as const;

export const MIN_TIMEOUT_MS = 1_000;
export const MAX_TIMEOUT_MS = 24 * 3_600_000;

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

const CLUSTER_ID = /^[A-Za-z0-9-]+$/;
const MILVUS_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const REGION_ID = /^[a-z0-9]+(?:-[a-z0-9]+)+$/;
const MAX_NAME_LENGTH = 255;
const BOOLEAN_FORMS = ['true', 'True', 'TRUE', 'false', 'False', 'FALSE'];

/** Shown in messages instead of values that could be anything (including pasted secrets). */
function quote(value: string): string {
  const shown = value.length > 80 ? `${value.slice(0, 77)}...` : value;
  return JSON.stringify(shown);
}

function input(name: string): string {
  return core.getInput(name).trim();
}

function withDefault(name: keyof typeof DEFAULTS): string {
  return input(name) || DEFAULTS[name];
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
 * `90s`, `15m`, `1h30m`, `1h 30m` or a bare number of seconds. Returns milliseconds, or
 * undefined when the text is not a duration.
 */
export function parseDuration(raw: string): number | undefined {
  const text = raw.trim().toLowerCase();
  if (/^\d+$/.test(text)) return Number(text) * 1_000;
  const match = /^(?:(\d+)\s*h)?\s*(?:(\d+)\s*m)?\s*(?:(\d+)\s*s)?$/.exec(text);
  if (!match || text === '') return undefined;
  const [, hours = '0', minutes = '0', seconds = '0'] = match;
  return ((Number(hours) * 60 + Number(minutes)) * 60 + Number(seconds)) * 1_000;
}

function parseEnum<T extends string>(
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

function isLoopback(hostname: string): boolean {
  return (
    hostname === 'localhost' ||
    hostname === '[::1]' ||
    /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(hostname)
  );
}

/** Returns the normalised base URL, or pushes a problem and returns ''. */
export function parseBaseUrl(raw: string, problems: string[]): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    problems.push(`base-url: ${quote(raw)} is not a URL (expected e.g. ${DEFAULTS['base-url']})`);
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

function parseBoolean(name: string, problems: string[]): boolean {
  const raw = input(name);
  if (raw === '') return DEFAULTS.wait === 'true';
  try {
    return core.getBooleanInput(name);
  } catch {
    problems.push(
      `${name}: ${quote(raw)} is not a boolean (accepted: ${BOOLEAN_FORMS.join(', ')})`,
    );
    return true;
  }
}

function checkNames(name: string, values: string[], problems: string[]): void {
  for (const value of values) {
    if (value.length > MAX_NAME_LENGTH) {
      problems.push(`${name}: ${quote(value)} is longer than ${MAX_NAME_LENGTH} characters`);
    } else if (!MILVUS_NAME.test(value)) {
      problems.push(
        `${name}: ${quote(value)} is not a valid name (letters, digits and underscores; ` +
          'the first character a letter or an underscore)',
      );
    }
  }
}

/**
 * Reads every input. The API key is masked before anything else happens, so no later log line
 * can reveal it.
 */
export function readSettings(): Settings {
  const apiKey = core.getInput('api-key').trim();
  if (apiKey) core.setSecret(apiKey);
  const problems: string[] = [];

  if (!apiKey) {
    problems.push('api-key: is required (a Zilliz Cloud API key, e.g. from a repository secret)');
  } else if (/\s/.test(apiKey)) {
    problems.push('api-key: must not contain spaces or line breaks (value not shown)');
  }

  const clusterId = input('cluster-id');
  if (!clusterId) {
    problems.push('cluster-id: is required (e.g. in01-3e5ad8adc38a1b2)');
  } else if (!CLUSTER_ID.test(clusterId)) {
    problems.push(
      `cluster-id: ${quote(clusterId)} may contain only letters, digits and hyphens ` +
        '(e.g. in01-3e5ad8adc38a1b2)',
    );
  }

  const backupType = parseEnum<BackupType>(
    'backup-type',
    withDefault('backup-type'),
    ['CLUSTER', 'COLLECTION'],
    problems,
  );

  const collections = parseList(core.getInput('collections'));
  const database = input('database') || undefined;
  if (backupType === 'COLLECTION') {
    if (collections.length === 0) {
      problems.push(
        'collections: is required when backup-type is COLLECTION (names separated by commas or newlines)',
      );
    }
    checkNames('collections', collections, problems);
    if (database !== undefined) checkNames('database', [database], problems);
  } else {
    if (collections.length > 0) {
      problems.push(
        'collections: must be empty when backup-type is CLUSTER (use backup-type: COLLECTION)',
      );
    }
    if (database !== undefined) {
      problems.push(
        'database: must be empty when backup-type is CLUSTER (use backup-type: COLLECTION)',
      );
    }
  }

  const wait = parseBoolean('wait', problems);

  const timeoutRaw = withDefault('timeout');
  const timeoutMs = parseDuration(timeoutRaw);
  if (timeoutMs === undefined) {
    problems.push(`timeout: ${quote(timeoutRaw)} is not a duration (e.g. 90s, 15m, 1h30m or 600)`);
  } else if (timeoutMs < MIN_TIMEOUT_MS || timeoutMs > MAX_TIMEOUT_MS) {
    problems.push(`timeout: ${quote(timeoutRaw)} is out of range (from 1s to 24h)`);
  }

  const baseUrl = parseBaseUrl(withDefault('base-url'), problems);

  const ifInProgress = parseEnum<IfInProgress>(
    'if-in-progress',
    withDefault('if-in-progress'),
    ['wait', 'fail'],
    problems,
  );

  const copyToRegions = parseList(core.getInput('copy-to-regions'));
  for (const region of copyToRegions) {
    if (!REGION_ID.test(region)) {
      problems.push(
        `copy-to-regions: ${quote(region)} is not a region id (lowercase words joined by ` +
          'hyphens, e.g. aws-us-east-1)',
      );
    }
  }

  if (problems.length > 0) throw new InputError(problems);
  return {
    apiKey,
    clusterId,
    backupType,
    collections,
    database,
    wait,
    timeoutMs: timeoutMs ?? 0,
    baseUrl,
    ifInProgress,
    copyToRegions,
  };
}
