// Runs the action the way a GitHub runner does: inputs as INPUT_* variables, outputs and the
// job summary as files. Used by the tests, the demo, the benchmark and the chaos report.
import { spawn, type ChildProcessByStdio } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';

import { actionNamed, bundlePath } from './actions.ts';
import { asRunnerShows } from './terminal.ts';

/** The backup action's bundle (the root action). */
export const DIST = bundlePath(actionNamed('backup'));

export type Inputs = Record<string, string>;

/** INPUT_* names exactly as @actions/core looks them up (spaces → _, upper case). */
export function inputEnv(inputs: Inputs): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(inputs)) {
    env[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`] = value;
  }
  return env;
}

/** Parses the GITHUB_OUTPUT file format (name<<delimiter … delimiter). Later values win. */
export function parseOutputFile(text: string): Record<string, string> {
  const outputs: Record<string, string> = {};
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const match = /^([^<=]+)<<(.+)$/.exec(lines[i] ?? '');
    if (!match) continue;
    const [, name, delimiter] = match as unknown as [string, string, string];
    const value: string[] = [];
    for (i++; i < lines.length && lines[i] !== delimiter; i++) value.push(lines[i] ?? '');
    outputs[name] = value.join('\n');
  }
  return outputs;
}

/** Temporary GITHUB_OUTPUT and GITHUB_STEP_SUMMARY files. */
export function runnerFiles(): {
  env: Record<string, string>;
  outputs: () => Record<string, string>;
  summary: () => string;
  cleanup: () => void;
} {
  const dir = mkdtempSync(join(tmpdir(), 'zilliz-action-'));
  const output = join(dir, 'output');
  const summary = join(dir, 'summary');
  writeFileSync(output, '');
  writeFileSync(summary, '');
  return {
    env: { GITHUB_OUTPUT: output, GITHUB_STEP_SUMMARY: summary },
    outputs: () => parseOutputFile(readFileSync(output, 'utf8')),
    summary: () => readFileSync(summary, 'utf8'),
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}

export interface BundledRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  outputs: Record<string, string>;
  summary: string;
  durationMs: number;
}

export interface SpawnOptions {
  env?: Record<string, string>;
  /** Called once the process has printed `text` (e.g. to send it a signal). */
  onOutput?: { text: string; then: (pid: number) => void };
  /**
   * Also copy the action's output to this process's stdout as it comes (the demo), workflow
   * commands shown as a runner's log shows them.
   */
  echo?: boolean;
  /** The bundle to run; the backup action's by default. */
  bundle?: string;
  /** The node executable to run it with; this process's own by default. */
  node?: string;
  /** Called with the process as soon as it is spawned (the tests follow its output). */
  onSpawn?: (child: ChildProcessByStdio<null, Readable, Readable>) => void;
}

/** Spawns `node dist/index.js` with a clean environment, as a runner would. */
export async function runBundled(inputs: Inputs, options: SpawnOptions = {}): Promise<BundledRun> {
  const files = runnerFiles();
  const started = performance.now();
  try {
    const child = spawn(options.node ?? process.execPath, [options.bundle ?? DIST], {
      env: {
        PATH: process.env.PATH ?? '',
        HOME: process.env.HOME ?? '',
        RUNNER_TEMP: tmpdir(),
        ...files.env,
        ...inputEnv(inputs),
        ...options.env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    options.onSpawn?.(child);
    let stdout = '';
    let stderr = '';
    let triggered = false;
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      if (options.echo) process.stdout.write(asRunnerShows(chunk.toString()));
      if (options.onOutput && !triggered && stdout.includes(options.onOutput.text)) {
        triggered = true;
        options.onOutput.then(child.pid as number);
      }
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      if (options.echo) process.stderr.write(chunk);
    });
    const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve) =>
      child.on('close', (exitCode, exitSignal) => resolve([exitCode, exitSignal])),
    );
    return {
      code,
      signal,
      stdout,
      stderr,
      outputs: files.outputs(),
      summary: files.summary(),
      durationMs: performance.now() - started,
    };
  } finally {
    files.cleanup();
  }
}
