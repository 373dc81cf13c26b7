// Runs run() in this process against a simulator: inputs from INPUT_* variables, outputs and
// summary in temporary files, stdout captured. The polling schedule is shortened; everything
// else (HTTP, envelope, retries, deadlines) is the real thing.
import { readFileSync, writeFileSync } from 'node:fs';
import { vi } from 'vitest';
import { run, type RunOptions } from '../../src/backup/main.ts';
import type { Simulator } from '../../simulator/server.ts';
import { runnerFiles, type Inputs } from '../../scripts/runner.ts';
import { setEnv, setInputs } from './env.ts';

export interface InProcessRun {
  stdout: string;
  outputs: Record<string, string>;
  summary: string;
  failed: boolean;
  durationMs: number;
}

// @actions/core caches the summary file's path on first use: one file serves every run here.
const summaryFiles = runnerFiles();
const SUMMARY_PATH = summaryFiles.env.GITHUB_STEP_SUMMARY as string;

/** `main`: the action's run(); the backup action's by default. */
export async function runInProcess(
  sim: Simulator,
  inputs: Inputs,
  options: RunOptions = {},
  main: (options: RunOptions) => Promise<void> = run,
): Promise<InProcessRun> {
  const files = runnerFiles();
  const restoreInputs = setInputs({
    'api-key': sim.apiKey,
    'cluster-id': 'in01-3e5ad8adc38a1b2',
    'base-url': sim.url,
    ...inputs,
  });
  writeFileSync(SUMMARY_PATH, '');
  const restoreEnv = setEnv({ ...files.env, GITHUB_STEP_SUMMARY: SUMMARY_PATH });
  let stdout = '';
  const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
    stdout += String(chunk);
    return true;
  });
  const started = performance.now();
  try {
    await main({ interval: () => 50, ...options });
    return {
      stdout,
      outputs: files.outputs(),
      summary: readFileSync(SUMMARY_PATH, 'utf8'),
      failed: process.exitCode === 1,
      durationMs: performance.now() - started,
    };
  } finally {
    spy.mockRestore();
    process.exitCode = undefined;
    restoreEnv();
    restoreInputs();
    files.cleanup();
  }
}
