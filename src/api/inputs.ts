// Inputs that every action of the suite reads the same way, with Zilliz Cloud's rules for them:
// the API key, cluster ids, the base URL and the step timeout; the Milvus rule for collection
// and database names. Built on core/inputs.ts; each action's settings add their own inputs.
import * as core from '@actions/core';
import { input, parseBaseUrl, parseTimeout, quote } from '../core/inputs.ts';
import { CLUSTER_ID } from './ids.ts';

export const DEFAULT_BASE_URL = 'https://api.cloud.zilliz.com';
export const DEFAULT_TIMEOUT = '1h';

const MILVUS_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
export const MAX_NAME_LENGTH = 255;

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
    problems.push('api-key: is required (a Zilliz Cloud API key, e.g. from a repository secret)');
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
    problems.push(
      `${name}: ${quote(clusterId)} may contain only letters, digits and hyphens ` +
        '(e.g. in01-3e5ad8adc38a1b2)',
    );
  }
  return clusterId;
}

/** api-key, cluster-id, base-url and timeout, as every action of the suite reads them. */
export function readConnection(problems: string[]): Connection {
  const apiKey = readApiKey(problems);
  const clusterId = readClusterId('cluster-id', problems);
  const baseUrl = parseBaseUrl(input('base-url') || DEFAULT_BASE_URL, DEFAULT_BASE_URL, problems);
  const timeoutMs = parseTimeout(input('timeout') || DEFAULT_TIMEOUT, problems);
  return { apiKey, clusterId, baseUrl, timeoutMs };
}

/** Is `name` a valid collection or database name (the Milvus rule)? Returns the problem, if any. */
export function nameProblem(name: string): string | undefined {
  if (name.length > MAX_NAME_LENGTH) return `is longer than ${MAX_NAME_LENGTH} characters`;
  if (!MILVUS_NAME.test(name)) {
    return (
      'is not a valid name (letters, digits and underscores; ' +
      'the first character a letter or an underscore)'
    );
  }
  return undefined;
}

export function checkNames(inputName: string, values: string[], problems: string[]): void {
  for (const value of values) {
    const problem = nameProblem(value);
    if (problem) problems.push(`${inputName}: ${quote(value)} ${problem}`);
  }
}
