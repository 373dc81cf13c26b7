// The processes the tests spawn (the bundles, the scripts, the simulator's command line, the
// forward proxy). Whatever a child printed is shown when the test that spawned it fails, whichever
// assertion failed; and exit codes are asserted with that output in the message. A test that
// only saw "expected 2 to be 1" cannot tell a refused port from a broken action.
import { spawn, type ChildProcessByStdio, type SpawnOptions } from 'node:child_process';
import { relative } from 'node:path';
import type { Readable } from 'node:stream';
import { expect, onTestFailed } from 'vitest';
import { ROOT } from '../../scripts/actions.ts';
import {
  DIST,
  runBundled as runAsRunner,
  type BundledRun,
  type Inputs,
  type SpawnOptions as RunnerOptions,
} from '../../scripts/runner.ts';

/** What a child printed so far, and how it ended (null while it runs). */
export interface ChildOutput {
  code: number | null;
  signal?: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** The last part of a long text (the end of a log is where a failure shows), each line indented. */
const MAX_SHOWN = 20_000;
function quoted(text: string): string {
  if (text === '') return '  (nothing)';
  const shown =
    text.length > MAX_SHOWN
      ? `[… ${text.length - MAX_SHOWN} characters before]\n${text.slice(-MAX_SHOWN)}`
      : text;
  // Indented, a child's workflow commands (::error:: …) are not commands to a runner running the tests.
  return shown.replace(/\n$/, '').replace(/^/gm, '  │ ');
}

const labels = new WeakMap<ChildOutput, string>();

/** The child's ending and its output, as a failing test shows them. */
export function describeChild(child: ChildOutput): string {
  const label = labels.get(child) ?? 'the child';
  const ending =
    child.code === null && !child.signal
      ? 'has not exited'
      : `exited with code ${child.code}${child.signal ? ` (signal ${child.signal})` : ''}`;
  return `${label} ${ending}; its stdout:\n${quoted(child.stdout)}\nits stderr:\n${quoted(child.stderr)}\n`;
}

// Runs whose output is already in a failed assertion's message: not shown twice.
const shownAlready = new WeakSet<ChildOutput>();

/** Shows the child's output if the current test fails. Call it inside a test. */
function showOnFailure(child: () => ChildOutput): void {
  onTestFailed(() => {
    if (!shownAlready.has(child())) console.error(describeChild(child()));
  });
}

/** Asserts the child's exit code; on a mismatch the message carries everything it printed. */
export function expectExit(child: ChildOutput, code: number): void {
  if (child.code !== code) shownAlready.add(child);
  expect(child.code, describeChild(child)).toBe(code);
}

/** Follows a spawned child's output into `output` as it comes. */
function follow(child: ChildProcessByStdio<null, Readable, Readable>, output: ChildOutput): void {
  child.stdout.on('data', (chunk: Buffer) => (output.stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output.stderr += chunk.toString()));
  child.on('close', (code, signal) => {
    output.code = code;
    output.signal = signal;
  });
}

export interface TimedRun extends BundledRun {
  /**
   * From the bundle's first output to its exit: the time its own code ran, without the start
   * of Node and the loading of the bundle, which a busy machine stretches most and which a
   * runner pays before any step. Each action prints (::add-mask:: or its first line) as soon
   * as it has read its inputs, which is when its deadline starts.
   */
  sinceFirstOutputMs: number;
}

/**
 * scripts/runner.ts runBundled (a bundle run exactly as the runner runs it), with the child's
 * output shown if the test fails.
 */
export function runBundled(inputs: Inputs, options: RunnerOptions = {}): Promise<TimedRun> {
  const label = `node ${relative(ROOT, options.bundle ?? DIST)}`;
  const live: ChildOutput = { code: null, stdout: '', stderr: '' };
  labels.set(live, label);
  let finished: TimedRun | undefined;
  showOnFailure(() => finished ?? live);
  let firstOutputAt: number | undefined;
  let closedAt = 0;
  return runAsRunner(inputs, {
    ...options,
    onSpawn: (child) => {
      follow(child, live);
      child.stdout.once('data', () => (firstOutputAt = performance.now()));
      child.on('close', () => (closedAt = performance.now()));
      options.onSpawn?.(child);
    },
  }).then((run) => {
    finished = Object.assign(run, { sinceFirstOutputMs: closedAt - (firstOutputAt ?? closedAt) });
    labels.set(finished, label);
    return finished;
  });
}

export interface Child {
  process: ChildProcessByStdio<null, Readable, Readable>;
  /** Its output so far, and its ending once it has exited. */
  output: ChildOutput;
  /** Resolves with the output when the process has exited and its streams are closed. */
  exited: Promise<ChildOutput & { code: number | null }>;
}

/** Starts `node <script> …args` (a script of the repository, on this Node), its output shown if the test fails. */
export function startScript(
  script: string,
  args: string[] = [],
  options: Omit<SpawnOptions, 'stdio'> = {},
): Child {
  const child = spawn(process.execPath, [script, ...args], {
    cwd: ROOT,
    ...options,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output: ChildOutput = { code: null, stdout: '', stderr: '' };
  follow(child, output);
  labels.set(output, `node ${[relative(ROOT, script), ...args].join(' ')}`);
  showOnFailure(() => output);
  const exited = new Promise<ChildOutput>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', () => resolve(output));
  });
  return { process: child, output, exited };
}

/** Runs `node <script> …args` to its end (see startScript). */
export function runScript(
  script: string,
  args: string[] = [],
  options: Omit<SpawnOptions, 'stdio'> = {},
): Promise<ChildOutput> {
  return startScript(script, args, options).exited;
}
