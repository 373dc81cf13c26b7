// Every line the action prints goes through here, so that the API key is replaced by *** even
// where the runner's own masking does not reach (local runs, server messages quoted back).
import * as core from '@actions/core';
import type { Redactor } from './redact.ts';

export interface Log {
  debug(message: string): void;
  info(message: string): void;
  warning(message: string): void;
  redact: Redactor;
}

export function createLog(redact: Redactor): Log {
  return {
    debug: (message) => core.debug(redact(message)),
    info: (message) => core.info(redact(message)),
    warning: (message) => core.warning(redact(message)),
    redact,
  };
}
