// Inputs that every action of the suite reads the same way, with Zilliz Cloud's rules for them:
// the API key, cluster ids, the base URL and the step timeout; the Milvus rule for collection
// and database names. Built on core/inputs.ts; each action's settings add their own inputs.
import * as core from '@actions/core';
import { input, parseBaseUrl, parseEnum, parseList, parseTimeout, quote } from '../core/inputs.ts';
import type { BackupType } from './backups.ts';
import { CLUSTER_ID, nameProblem } from './ids.ts';
import type { VerifyMode } from './on-cluster.ts';

export const DEFAULT_BASE_URL = 'https://api.cloud.zilliz.com';
export const CHINA_BASE_URL = 'https://api.cloud.zilliz.com.cn';
export const DEFAULT_TIMEOUT = '1h';

/** What every action needs to reach the API. */
export interface Connection {
  apiKey: string;
  clusterId: string;
  /** Origin plus optional path prefix, never with a trailing slash. */
  baseUrl: string;
  /** Budget for the whole step, in milliseconds. */
  timeoutMs: number;
}

/**
 * The API key is masked before anything else happens, so that no later log line can reveal it.
 */
export function readApiKey(problems: string[]): string {
  const apiKey = core.getInput('api-key').trim();
  if (apiKey) core.setSecret(apiKey);
  if (!apiKey) {
    problems.push(
      'api-key: is empty. Pass a Zilliz Cloud API key from a secret (api-key: ${{ secrets.NAME }}) ' +
        'and check that NAME is spelt as the secret is (an unknown secret is empty, not an error), ' +
        "that the job's environment: holds it if it is an environment secret, and that the run " +
        'does not come from a fork (workflows triggered from forks get no secrets)',
    );
  } else if (/\s/.test(apiKey)) {
    problems.push('api-key: must not contain spaces or line breaks (value not shown)');
  }
  return apiKey;
}

/** A cluster id input; `required` false returns '' when not given. */
export function readClusterId(name: string, problems: string[], required = true): string {
  const clusterId = input(name);
  if (!clusterId) {
    if (required) problems.push(`${name}: is required (e.g. in01-3e5ad8adc38a1b2)`);
  } else if (!CLUSTER_ID.test(clusterId)) {
    problems.push(`${name}: ${quote(clusterId)} ${clusterIdMistake(clusterId)}`);
  }
  return clusterId;
}

/** What a value that is not a cluster id probably is, and where the id is. */
function clusterIdMistake(value: string): string {
  const china = `(clusters in China regions, ali-* and tc-*, also need base-url: ${CHINA_BASE_URL})`;
  const url = /^[a-z]+:\/\//i.test(value) || /^[\w-]+(\.[\w-]+)+/.test(value);
  if (url) {
    const host = hostOf(value);
    const id = /^(in\d+-[0-9a-z]+)\./i.exec(host)?.[1] ?? /\/clusters\/([\w-]+)/.exec(value)?.[1];
    return (
      'is a URL, not a cluster id: ' +
      (id
        ? `the id is its first part, ${quote(id)}, e.g. cluster-id: ${id} `
        : "the id (e.g. in01-3e5ad8adc38a1b2) is the first part of the cluster's public endpoint ") +
      china
    );
  }
  return (
    'is not a cluster id, which has only letters, digits and hyphens (e.g. in01-3e5ad8adc38a1b2): ' +
    "if it is the cluster's name, use its id, shown under the name in the console and at the start " +
    `of its public endpoint ${china}`
  );
}

function hostOf(value: string): string {
  try {
    return new URL(/^[a-z]+:\/\//i.test(value) ? value : `https://${value}`).hostname;
  } catch {
    return '';
  }
}

/** api-key, cluster-id, base-url and timeout, as every action of the suite reads them. */
export function readConnection(problems: string[]): Connection {
  const apiKey = readApiKey(problems);
  const clusterId = readClusterId('cluster-id', problems);
  const baseUrl = parseBaseUrl(input('base-url') || DEFAULT_BASE_URL, DEFAULT_BASE_URL, problems);
  if (/(^|\/)v2(\/|$)/i.test(new URL(baseUrl || DEFAULT_BASE_URL).pathname.slice(1))) {
    // Every request path starts with /v2/: a base URL that holds it would send /v2/v2/….
    problems.push(
      `base-url: ${quote(baseUrl)} holds the API version (/v2): give the host only, e.g. ` +
        `${DEFAULT_BASE_URL}; the action adds /v2/ to every request`,
    );
  }
  const timeout = input('timeout') || DEFAULT_TIMEOUT;
  const timeoutMs = parseTimeout(timeout, problems);
  if (timeoutMs > 0 && /^\d+$/.test(timeout)) {
    core.notice(
      `timeout: ${quote(timeout)} has no unit and is read as ${timeout} seconds; ` +
        `add a unit for minutes or hours (e.g. ${timeout}m)`,
    );
  }
  return { apiKey, clusterId, baseUrl, timeoutMs };
}

export function checkNames(inputName: string, values: string[], problems: string[]): void {
  for (const value of values) {
    const problem = nameProblem(value);
    if (problem) problems.push(`${inputName}: ${quote(value)} ${problem}`);
  }
}

/** What a backup holds: the whole cluster, or these collections of one database. */
export interface BackupScope {
  backupType: BackupType;
  /** Collection names, trimmed and de-duplicated; empty for CLUSTER. */
  collections: string[];
  /** Database of the collections; undefined means the cluster's default database. */
  database: string | undefined;
}

/** backup-type, collections and database, checked against each other. */
export function readBackupScope(problems: string[]): BackupScope {
  const backupType = parseEnum<BackupType>(
    'backup-type',
    input('backup-type') || 'CLUSTER',
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
  return { backupType, collections, database };
}

/** The checks on the cluster's own endpoint: `verify`, and `cluster-token` for BYOC clusters. */
export interface Verification {
  verify: VerifyMode;
  /** username:password for the cluster's endpoint; undefined: the API key is used. */
  clusterToken: string | undefined;
}

/** verify and cluster-token; the token is masked before anything else can print it. */
export function readVerification(problems: string[]): Verification {
  const verify = parseEnum<VerifyMode>(
    'verify',
    input('verify') || 'auto',
    ['auto', 'true', 'false'],
    problems,
  );
  const clusterToken = input('cluster-token') || undefined;
  if (clusterToken !== undefined) {
    core.setSecret(clusterToken);
    if (!/^[^:\s]+:\S+$/.test(clusterToken)) {
      problems.push(
        'cluster-token: is not username:password (value not shown): a cluster credential, e.g. from a secret',
      );
    }
  }
  return { verify, clusterToken };
}

/** The secrets among the inputs besides the API key, redacted wherever text is shown. */
export function inputSecrets(...values: (string | undefined)[]): string[] {
  return values.filter((value): value is string => !!value);
}
