// The deploy ledger's inputs, as every action of the suite reads them: the environment of the
// deploy (`ledger`, or `protect-ledger` for prune), the token (`github-token`, masked before
// anything can print it) and, for the backup action, what a ledger problem does to the step.
import * as core from '@actions/core';
import { input, parseEnum, quote } from '../core/inputs.ts';
import { ENVIRONMENT_PREFIX } from './ledger.ts';

/** GitHub environment names: at most 255 characters, ours with the prefix included. */
const MAX_ENVIRONMENT = 255 - ENVIRONMENT_PREFIX.length;

/** An environment input; undefined when empty. */
export function readEnvironment(name: string, problems: string[]): string | undefined {
  const value = input(name);
  if (value === '') return undefined;
  // eslint-disable-next-line no-control-regex
  if (!/^[^\u0000-\u001f\u007f]+$/.test(value) || value.length > MAX_ENVIRONMENT) {
    problems.push(
      `${name}: ${quote(value)} is not an environment name (one line, at most ${MAX_ENVIRONMENT} characters, e.g. production)`,
    );
  } else if (value.toLowerCase().startsWith(ENVIRONMENT_PREFIX)) {
    problems.push(
      `${name}: ${quote(value)} names the ledger's own environment: give the deploy's (e.g. production); the action adds ${ENVIRONMENT_PREFIX}`,
    );
  }
  return value;
}

/** github-token, masked at once; '' when not given. */
export function readGitHubToken(): string {
  const token = input('github-token');
  if (token) core.setSecret(token);
  return token;
}

export type LedgerFailure = 'warn' | 'fail';

export function readLedgerFailure(problems: string[]): LedgerFailure {
  return parseEnum<LedgerFailure>(
    'ledger-failure',
    input('ledger-failure') || 'warn',
    ['warn', 'fail'],
    problems,
  );
}
