// Every line the action prints goes through here, so that the API key is replaced by *** even
// where the runner's own masking does not reach (local runs, server messages quoted back), and so
// that text quoted from the server can never become a workflow command.
import * as core from '@actions/core';
import type { Redactor } from './redact.ts';

export interface Log {
  debug(message: string): void;
  info(message: string): void;
  warning(message: string): void;
  /** An annotation that names what the step did (the run's page shows it). */
  notice(message: string, title: string): void;
  redact: Redactor;
  /** Redacted and neutralized: for text handed to @actions/core (setFailed, notice) directly. */
  clean(text: string): string;
}

/**
 * The runner reads every line of the log (it splits on \n and on \r) and runs it as a command
 * when it starts with "::" after spaces (`::add-mask::`, `::error::`, `::stop-commands::`), or
 * holds "##[" anywhere (the older form). Such lines get a visible "› " in front, and "##[" a
 * space, so that they read the same but command nothing. Lines we mean as commands are written
 * by @actions/core itself, never through here.
 */
export function neutralizeCommands(text: string): string {
  return text
    .split(/\r\n|\r|\n/)
    .map((line) => {
      const safe = line.replaceAll('##[', '## [');
      return /^\s*::/.test(safe) ? `› ${safe}` : safe;
    })
    .join('\n');
}

export function createLog(redact: Redactor): Log {
  const clean = (message: string): string => neutralizeCommands(redact(message));
  return {
    debug: (message) => core.debug(clean(message)),
    info: (message) => core.info(clean(message)),
    warning: (message) => core.warning(clean(message)),
    notice: (message, title) => core.notice(clean(message), { title }),
    redact,
    clean,
  };
}
