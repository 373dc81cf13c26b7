// `npm run bench`: what the action costs a deploy, against the fixed 5 s curl loop a user would
// write instead (scripts/baseline-curl-loop.sh), on the simulator. Prints a markdown report:
//   - per job length: step time, overhead (step minus job), detection lag (process exit minus
//     the moment the job became SUCCESSFUL) and describe-job calls, median (min–max);
//   - calls and lag bounds computed from the polling schedule, up to a one-hour job;
//   - start-up of each action's bundle (scripts/actions.ts) against a bare `node -e 0`;
//   - the size of each bundle file (scripts/check-size.ts), the packages bundled and the copies
//     of undici in each action's folder;
//   - which targets are met.
//
//   node scripts/bench.ts [--quick] [--jobs 3,20,60,600] [--repeats N] [--concurrency N]
//                         [--startup-repeats N] [--startup-only] [--no-spread]
//
// Each run has its own simulator, so runs can go side by side (--concurrency). Start-up is
// measured first, one process at a time, on an otherwise idle machine.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { availableParallelism, cpus, totalmem } from 'node:os';
import { basename, dirname, join, relative } from 'node:path';
import { parseArgs } from 'node:util';
import { DEFAULT_CLUSTER_ID, startSimulator, type Simulator } from '../simulator/server.ts';
import { jobProgress, jobStatusAt } from '../simulator/quirks.ts';
import {
  POLL_MAX_MS,
  pollInterval,
  type PollInterval,
  type ProgressReading,
} from '../src/core/schedule.ts';
import { plural } from './plural.ts';
import { pool } from './pool.ts';
import { ACTIONS, bundlePath, type SuiteAction } from './actions.ts';
import { BUDGET_BYTES, bundleFiles } from './check-size.ts';
import { DIST, runBundled, type BundledRun, type Inputs } from './runner.ts';

const ROOT = join(import.meta.dirname, '..');
const BASELINE = join(import.meta.dirname, 'baseline-curl-loop.sh');
const LOOP_MS = 5_000;
const AWS_WAIT_MS = 30_000;

const { values: args } = parseArgs({
  allowNegative: true,
  options: {
    quick: { type: 'boolean', default: false },
    jobs: { type: 'string' },
    repeats: { type: 'string' },
    concurrency: { type: 'string', default: '10' },
    'startup-repeats': { type: 'string' },
    'startup-only': { type: 'boolean', default: false },
    spread: { type: 'boolean', default: true },
  },
});

function positiveInt(name: string, text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1) throw new Error(`--${name}: expected a positive integer`);
  return n;
}

const jobSeconds = (args.jobs ?? (args.quick ? '3' : '3,20,60,600')).split(',').map(Number);
if (jobSeconds.some((s) => !(s > 0))) throw new Error('--jobs: expected seconds, e.g. 3,20,60');
const repeatsFor = (seconds: number): number =>
  positiveInt('repeats', args.repeats) ?? (args.quick ? 2 : seconds >= 60 ? 4 : 5);
const concurrency = positiveInt('concurrency', args.concurrency) ?? 10;
const startupRepeats =
  positiveInt('startup-repeats', args['startup-repeats']) ?? (args.quick ? 5 : 15);

// ── statistics and formatting ────────────────────────────────────────────────────────────

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
}
const secs = (ms: number): string => (ms / 1000).toFixed(2);
const millis = (ms: number): string => ms.toFixed(0);

/** "1.06 s (0.05–1.10)": the median, then the spread. */
function spread(xs: number[], format: (n: number) => string, unit: string): string {
  if (xs.length === 0) return 'n/a';
  const lo = Math.min(...xs);
  const hi = Math.max(...xs);
  const mid = `${format(median(xs))}${unit}`;
  return xs.length === 1 || lo === hi ? mid : `${mid} (${format(lo)}–${format(hi)})`;
}

function lagTargetMs(jobMs: number): number {
  return Math.min(POLL_MAX_MS, Math.max(1_000, jobMs * 0.1));
}

// ── one backup, with the action or with the curl loop ────────────────────────────────────

type Contender = 'action' | 'loop';

interface Run {
  who: Contender;
  nominalMs: number;
  jobMs: number;
  stepMs: number;
  lagMs: number;
  describeCalls: number;
  requests: number;
  error?: string;
}

/**
 * Job lengths for the repeats of one nominal length: the nominal one, then shorter ones spread
 * over min(5 s, a quarter of it). A real job's length has nothing to do with anyone's polling
 * clock; with round lengths only, the 5 s loop would always poll just as the job ends.
 */
function jobLengths(nominalMs: number, repeats: number): number[] {
  const width = args.spread ? Math.min(LOOP_MS, nominalMs / 4) : 0;
  return Array.from({ length: repeats }, (_, i) => Math.round(nominalMs - (width * i) / repeats));
}

async function spawnAndWait(
  command: string,
  argv: string[],
  env: Record<string, string>,
): Promise<{ code: number | null; output: string }> {
  const child = spawn(command, argv, { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  return { code, output };
}

const baseEnv = (): Record<string, string> => ({
  PATH: process.env.PATH ?? '',
  HOME: process.env.HOME ?? '',
});

async function runOnce(who: Contender, nominalMs: number, jobMs: number): Promise<Run> {
  const sim = await startSimulator({ scenario: { jobDurationMs: jobMs } });
  try {
    const started = Date.now();
    let error: string | undefined;
    if (who === 'action') {
      const result = await runBundled({
        'api-key': sim.apiKey,
        'cluster-id': DEFAULT_CLUSTER_ID,
        'base-url': sim.url,
        // Room for the longest job: the timeout is not what is measured.
        timeout: `${Math.max(10, Math.ceil((2 * jobMs) / 60_000))}m`,
      });
      if (result.code !== 0 || result.outputs.status !== 'SUCCESSFUL') {
        error = `exit ${result.code}, status ${result.outputs.status}: ${result.stdout.slice(-500)}`;
      }
    } else {
      const result = await spawnAndWait('bash', [BASELINE], {
        ...baseEnv(),
        BASE_URL: sim.url,
        API_KEY: sim.apiKey,
        CLUSTER_ID: DEFAULT_CLUSTER_ID,
      });
      if (result.code !== 0) error = `exit ${result.code}: ${result.output.slice(-500)}`;
    }
    const exitedAt = Date.now();
    const job = sim.jobs()[0];
    if (!job) error ??= 'no backup job was created';
    const jobEnd = job ? job.createdAt + job.durationMs : exitedAt;
    return {
      who,
      nominalMs,
      jobMs,
      stepMs: exitedAt - started,
      lagMs: exitedAt - jobEnd,
      describeCalls: sim.requests.filter((r) => r.route === 'describeJob').length,
      requests: sim.requests.length,
      error,
    };
  } finally {
    await sim.close();
  }
}

// ── start-up ─────────────────────────────────────────────────────────────────────────────

/**
 * What each action does in its start-up run: a short run that makes real requests, so that
 * loading, the first connection, outputs, summary and exit are all in the figure. `prepare`
 * sets up the simulator (through its HTTP API, as a user would) and returns the inputs;
 * `expected` is the status output of a good run.
 */
const STARTUP_RUNS: Record<
  SuiteAction['name'],
  { what: string; expected: string; prepare: (sim: Simulator) => Promise<Inputs> }
> = {
  backup: {
    what: '`wait: false` (List + Create backup, outputs, summary)',
    expected: 'STARTED',
    prepare: async () => ({ 'backup-type': 'CLUSTER', wait: 'false' }),
  },
  restore: {
    // verify: false, as before the checks on the cluster existed: what is timed is start-up and
    // the same requests as then (the checks add a Describe cluster and two requests to the
    // cluster's endpoint: see docs/benchmarks.md).
    what: 'one collection, `wait: false`, `verify: false`',
    expected: 'STARTED',
    prepare: async (sim) => {
      const backupId = await collectionBackup(sim, 'orders');
      return { 'backup-id': backupId, collections: 'orders', wait: 'false', verify: 'false' };
    },
  },
  prune: {
    what: '`dry-run: true` over 5 backups, `keep-last: 2`',
    expected: 'DRY_RUN',
    prepare: async (sim) => {
      sim.configure({
        existingBackups: Array.from({ length: 5 }, (_, i) => ({
          backupId: `backup${i}_bench`,
          backupName: `Dedicated-01_backup${i}`,
          creationMethod: 'MANUAL' as const,
          backupType: 'CLUSTER' as const,
          status: 'AVAILABLE' as const,
          size: 1_000_000,
        })),
      });
      return { 'keep-last': '2', 'dry-run': 'true' };
    },
  },
};

/** Makes an AVAILABLE backup of one collection through the simulator's API. */
async function collectionBackup(sim: Simulator, collection: string): Promise<string> {
  sim.configure({ jobDurationMs: 50 });
  const headers = { authorization: `Bearer ${sim.apiKey}`, 'content-type': 'application/json' };
  const reply = (await (
    await fetch(`${sim.url}/v2/clusters/${DEFAULT_CLUSTER_ID}/backups/create`, {
      method: 'POST',
      headers,
      body: JSON.stringify({
        backupType: 'COLLECTION',
        dbCollections: [{ dbName: 'default', collectionNames: [collection] }],
      }),
    })
  ).json()) as { data: { backupId: string } };
  await new Promise((resolve) => setTimeout(resolve, 200));
  sim.requests.length = 0;
  return reply.data.backupId;
}

interface Startup {
  action: SuiteAction['name'];
  what: string;
  bareMs: number[];
  actionMs: number[];
  firstRequestMs: number[];
  exitEventMs: number[];
  loadOnlyMs: number[];
  errors: string[];
}

const EXIT_STAMP = "process.on('exit', () => process.stderr.write(`exit-event ${Date.now()}\\n`));";

/** One action's run against a fresh simulator: spawn to exit, and spawn to the first request. */
async function startupRun(
  action: SuiteAction,
  env?: Record<string, string>,
): Promise<{ ms: number; startedAt: number; firstMs: number; result: BundledRun; error?: string }> {
  const sim = await startSimulator({ scenario: { jobDurationMs: 1_000 } });
  try {
    const spec = STARTUP_RUNS[action.name];
    const inputs: Inputs = {
      'api-key': sim.apiKey,
      'cluster-id': DEFAULT_CLUSTER_ID,
      'base-url': sim.url,
      ...(await spec.prepare(sim)),
    };
    const t = Date.now();
    const result = await runBundled(inputs, { bundle: bundlePath(action), env });
    const ms = Date.now() - t;
    const ok = result.code === 0 && result.outputs.status === spec.expected;
    return {
      ms,
      startedAt: t,
      firstMs: (sim.requests[0]?.receivedAt ?? NaN) - t,
      result,
      error: ok
        ? undefined
        : `${action.name}: exit ${result.code}, status ${result.outputs.status}: ${result.stdout.slice(-300)}`,
    };
  } finally {
    await sim.close();
  }
}

/**
 * Interleaved pairs, one process at a time: a bare `node -e 0`, then the action, so that
 * whatever else the machine does falls on both alike. The ratio is of the medians.
 */
async function measureStartup(action: SuiteAction, repeats: number): Promise<Startup> {
  const out: Startup = {
    action: action.name,
    what: STARTUP_RUNS[action.name].what,
    bareMs: [],
    actionMs: [],
    firstRequestMs: [],
    exitEventMs: [],
    loadOnlyMs: [],
    errors: [],
  };
  const warmUp = 2;
  for (let i = 0; i < warmUp + repeats; i++) {
    const t0 = Date.now();
    await spawnAndWait(process.execPath, ['-e', '0'], baseEnv());
    const bare = Date.now() - t0;
    const run = await startupRun(action);
    if (run.error) out.errors.push(run.error);
    if (args['startup-only'] && i >= warmUp) {
      out.bareMs.push(bare);
      out.actionMs.push(run.ms);
      out.firstRequestMs.push(run.firstMs);
      continue;
    }
    // The same with a preload that stamps the process's 'exit' event: what comes after it is
    // teardown (in separate runs, so that the preload does not touch the numbers above).
    const stamped = await startupRun(action, {
      NODE_OPTIONS: `--import=data:text/javascript,${encodeURIComponent(EXIT_STAMP)}`,
    });
    const exitEvent =
      Number(/exit-event (\d+)/.exec(stamped.result.stderr)?.[1]) - stamped.startedAt;
    // No inputs: the bundle loads, input validation fails, no request is made.
    const t2 = Date.now();
    const loadOnly = await runBundled({}, { bundle: bundlePath(action) });
    const load = Date.now() - t2;
    if (loadOnly.code !== 1) out.errors.push(`${action.name}, no inputs: exit ${loadOnly.code}`);
    if (i < warmUp) continue;
    out.bareMs.push(bare);
    out.actionMs.push(run.ms);
    out.firstRequestMs.push(run.firstMs);
    out.exitEventMs.push(exitEvent);
    out.loadOnlyMs.push(load);
  }
  return out;
}

// ── schedule arithmetic ──────────────────────────────────────────────────────────────────

/**
 * Checks until a job of `lengthMs` is seen finished, with no latency (as
 * __tests__/schedule.test.ts counts them), the job reporting progress as the simulator does, and
 * the worst lag over jobs of half to all of `lengthMs`. The
 * action's first check comes one interval after the start; the loop's at once.
 */
function computed(
  lengthMs: number,
  interval: PollInterval,
  firstCheckAt: (progress: ProgressReading[]) => number,
): { calls: number; lagBoundMs: number } {
  const follow = (endMs: number): { calls: number; lagMs: number } => {
    const progress: ProgressReading[] = [];
    let t = firstCheckAt(progress);
    for (let calls = 1; ; calls++) {
      if (t >= endMs) return { calls, lagMs: t - endMs };
      const status = jobStatusAt(t, endMs, 'SUCCESSFUL');
      progress.push({ waitedMs: t, percent: Number(jobProgress(status, t, endMs)) });
      t += interval(t, progress);
    }
  };
  let lagBoundMs = 0;
  for (let i = 0; i <= 500; i++) {
    lagBoundMs = Math.max(lagBoundMs, follow(lengthMs * (0.5 + i / 1000)).lagMs);
  }
  return { calls: follow(lengthMs).calls, lagBoundMs };
}
const fixed =
  (ms: number): PollInterval =>
  () =>
    ms;

// ── bundle ───────────────────────────────────────────────────────────────────────────────

/**
 * Copies of undici in an action's folder (index.js and its chunks): each copy names the
 * diagnostics channel below exactly once. The actions use the one copy that @actions/core's
 * HTTP client uses too, so the count should be 1.
 */
const UNDICI_MARKER = 'undici:request:create';

function bundledUndiciCopies(files: string[]): number {
  return files.reduce(
    (copies, file) => copies + readFileSync(file, 'utf8').split(UNDICI_MARKER).length - 1,
    0,
  );
}

/** The packages a bundle holds, from the licences file written beside it by the build. */
function bundledPackages(action: SuiteAction): string[] {
  const file = join(dirname(bundlePath(action)), 'licenses.txt');
  return [
    ...readFileSync(file, 'utf8').matchAll(/^(@?[a-z0-9][\w./-]*) (\d+\.\d+\.\d+\S*)$/gm),
  ].map((m) => `${m[1]} ${m[2]}`);
}

// ── machine ──────────────────────────────────────────────────────────────────────────────

function cpuModel(): string {
  try {
    const m = /^model name\s*:\s*(.+)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'));
    if (m?.[1]) return m[1].trim();
  } catch {
    // not Linux
  }
  return cpus()[0]?.model ?? 'unknown';
}

// ── main ─────────────────────────────────────────────────────────────────────────────────

const built = ACTIONS.filter((action) => existsSync(bundlePath(action)));
if (!existsSync(DIST) || built.length < ACTIONS.length) {
  console.error('A bundle is missing: run npm run build first.');
  process.exit(2);
}

const benchStarted = Date.now();
const progress = (line: string): void => void process.stderr.write(`${line}\n`);

const startups: Startup[] = [];
for (const action of ACTIONS) {
  progress(
    `start-up: ${plural(startupRepeats, 'pair')} of node -e 0 and the ${action.name} action…`,
  );
  startups.push(await measureStartup(action, startupRepeats));
}

const tasks: { who: Contender; nominalMs: number; jobMs: number }[] = [];
for (const seconds of args['startup-only'] ? [] : jobSeconds) {
  const nominalMs = seconds * 1000;
  for (const jobMs of jobLengths(nominalMs, repeatsFor(seconds))) {
    tasks.push({ who: 'action', nominalMs, jobMs }, { who: 'loop', nominalMs, jobMs });
  }
}
// Longest first, so that the pool finishes together.
tasks.sort((a, b) => b.jobMs - a.jobMs);
if (tasks.length) progress(`${plural(tasks.length, 'backup run')}, ${concurrency} at a time…`);
let done = 0;
const runs = await pool(
  tasks.map((t) => async () => {
    const run = await runOnce(t.who, t.nominalMs, t.jobMs);
    progress(
      `  [${++done}/${tasks.length}] ${t.who.padEnd(6)} ${secs(t.jobMs)} s job: step ${secs(run.stepMs)} s, ` +
        `lag ${secs(run.lagMs)} s, ${plural(run.describeCalls, 'describe-job call')}${run.error ? ` — FAILED ${run.error}` : ''}`,
    );
    return run;
  }),
  concurrency,
  300,
);

const sizeCheck = await spawnAndWait(
  process.execPath,
  [join(ROOT, 'scripts', 'check-size.ts')],
  baseEnv(),
);
const bundles = ACTIONS.map((action) => ({
  action,
  files: bundleFiles(bundlePath(action)).map((file) => ({ file, bytes: statSync(file).size })),
  undici: bundledUndiciCopies(bundleFiles(bundlePath(action))),
  packages: bundledPackages(action),
}));

// ── report ───────────────────────────────────────────────────────────────────────────────

const lines: string[] = [];
const say = (line = ''): number => lines.push(line);
const command = `node scripts/bench.ts${process.argv.length > 2 ? ` ${process.argv.slice(2).join(' ')}` : ''}`;

say(`Command: \`${command}\` (${((Date.now() - benchStarted) / 1000).toFixed(0)} s)`);
say();
say(
  `Machine: ${availableParallelism()} CPUs (nproc), ${cpuModel()}, ${(totalmem() / 2 ** 30).toFixed(1)} GiB memory, ` +
    `node ${process.version}, ${process.platform}/${process.arch}, ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC`,
);
say();
say('### Backup jobs on the simulator: the action against the fixed 5 s curl loop');
say();
say(
  '| Job (lengths run) | Runs (action + loop) | Action step | overhead | lag | describe-job calls | 5 s loop step | overhead | lag | describe-job calls |',
);
say('| --- | --: | --: | --: | --: | --: | --: | --: | --: | --: |');
const failures = runs.filter((r) => r.error);
const otherRequests = (who: Contender): string =>
  [...new Set(runs.filter((r) => r.who === who).map((r) => r.requests - r.describeCalls))].join(
    ' or ',
  );
for (const seconds of jobSeconds) {
  const nominalMs = seconds * 1000;
  const of = (who: Contender): Run[] =>
    runs.filter((r) => r.who === who && r.nominalMs === nominalMs && !r.error);
  const lengths = runs.filter((r) => r.nominalMs === nominalMs).map((r) => r.jobMs);
  const range =
    Math.min(...lengths) === Math.max(...lengths)
      ? ''
      : ` (${secs(Math.min(...lengths))}–${secs(Math.max(...lengths))} s)`;
  const cells = (who: Contender): string[] => {
    const rs = of(who);
    return [
      spread(
        rs.map((r) => r.stepMs),
        secs,
        ' s',
      ),
      spread(
        rs.map((r) => r.stepMs - r.jobMs),
        secs,
        ' s',
      ),
      spread(
        rs.map((r) => r.lagMs),
        secs,
        ' s',
      ),
      spread(
        rs.map((r) => r.describeCalls),
        String,
        '',
      ),
    ];
  };
  say(
    `| ${seconds} s${range} | ${of('action').length} + ${of('loop').length} | ${cells('action').join(' | ')} | ${cells('loop').join(' | ')} |`,
  );
}
say();
say(
  'Median (min–max) over the runs. Step: spawn to exit of the whole process. Overhead: step minus the job’s length. ' +
    'Lag: process exit minus the moment the simulator’s job became SUCCESSFUL. Calls: Describe job requests the simulator received. ' +
    `Other requests per run: the action ${otherRequests('action')} (List backups, Create backup, Describe backup), the loop ${otherRequests('loop')} (Create backup).`,
);
if (failures.length) {
  say();
  say(
    `**${plural(failures.length, 'run')} failed** and ${failures.length === 1 ? 'is' : 'are'} left out:`,
  );
  for (const r of failures)
    say(`- ${r.who}, ${secs(r.jobMs)} s job: ${r.error?.replace(/\n/g, ' ')}`);
}

say();
say('### Computed from the polling schedule (no latency)');
say();
say(
  '| Job | Action calls | worst lag | 5 s loop calls | worst lag | 30 s wait (aws-style) calls | worst lag |',
);
say('| --- | --: | --: | --: | --: | --: | --: |');
const computedLengths = [3_000, 20_000, 60_000, 600_000, 3_600_000];
const label = (ms: number): string =>
  ms >= 3_600_000 ? `${ms / 3_600_000} h` : ms >= 60_000 ? `${ms / 60_000} min` : `${ms / 1000} s`;
for (const ms of computedLengths) {
  const ours = computed(ms, pollInterval, (progress) => pollInterval(0, progress));
  const loop = computed(ms, fixed(LOOP_MS), () => 0);
  const aws = computed(ms, fixed(AWS_WAIT_MS), () => 0);
  say(
    `| ${label(ms)} | ${ours.calls} | ${secs(ours.lagBoundMs)} s | ${loop.calls} | ${secs(loop.lagBoundMs)} s | ${aws.calls} | ${secs(aws.lagBoundMs)} s |`,
  );
}
say();
say(
  'Calls: checks up to the first one at or after the job’s end, from src/core/schedule.ts’s pollInterval. ' +
    'Worst lag: the latest a check comes after the end, over 500 jobs of half to all of that length.',
);

const STARTUP_TARGET = 4;
const ratioOf = (st: Startup): number => median(st.actionMs) / median(st.bareMs);
say();
say(
  `### Start-up (${plural(startupRepeats, 'interleaved pair')} per action, one process at a time, after 2 warm-up pairs)`,
);
say();
say('| Process | Median | min–max |');
say('| --- | --: | --: |');
const row = (what: string, xs: number[]): void => {
  if (xs.length) {
    say(
      `| ${what} | ${millis(median(xs))} ms | ${millis(Math.min(...xs))}–${millis(Math.max(...xs))} ms |`,
    );
  }
};
for (const st of startups) {
  row(`\`node -e 0\` (paired with ${st.action})`, st.bareMs);
  row(`**${st.action}**, ${st.what}: spawn to exit`, st.actionMs);
  row(`${st.action}: spawn to its first API request`, st.firstRequestMs);
  row(`${st.action}: spawn to the process's \`exit\` event (then teardown)`, st.exitEventMs);
  row(`${st.action} without inputs: loads, fails input validation, no request`, st.loadOnlyMs);
}
say();
say(
  startups.map((st) => `${st.action} / bare node: **${ratioOf(st).toFixed(2)}x**`).join('; ') +
    ' (medians).',
);
for (const st of startups) {
  if (st.errors.length) say(`Start-up runs of ${st.action} that failed: ${st.errors.join('; ')}`);
}

say();
say('### Bundles');
say();
say(
  `- \`npm run check-size\`: ${sizeCheck.output.trim().replace(/\n/g, '; ')} (exit ${sizeCheck.code})`,
);
for (const b of bundles) {
  say(
    `- ${relative(ROOT, dirname(bundlePath(b.action)))}/ (${b.files.map((f) => basename(f.file)).join(', ')}): ` +
      `packages bundled: ${b.packages.join(', ') || 'none'}; undici copies: ${b.undici}`,
  );
}

// ── targets ──────────────────────────────────────────────────────────────────────────────

const ok = (met: boolean): string => (met ? 'met' : '**MISSED**');
say();
say('### Targets');
say();
for (const seconds of jobSeconds) {
  const rs = runs.filter((r) => r.who === 'action' && r.nominalMs === seconds * 1000 && !r.error);
  if (rs.length === 0) continue;
  const worst = rs.reduce((a, b) =>
    b.lagMs - lagTargetMs(b.jobMs) > a.lagMs - lagTargetMs(a.jobMs) ? b : a,
  );
  say(
    `- Lag, ${seconds} s job: worst ${secs(worst.lagMs)} s (job ${secs(worst.jobMs)} s) against max(1 s, 10%) = ` +
      `${secs(lagTargetMs(worst.jobMs))} s: ${ok(rs.every((r) => r.lagMs <= lagTargetMs(r.jobMs)))}`,
  );
}
for (const seconds of jobSeconds) {
  const of = (who: Contender): Run[] =>
    runs.filter((r) => r.who === who && r.nominalMs === seconds * 1000 && !r.error);
  const [ours, loop] = [of('action'), of('loop')];
  if (ours.length === 0 || loop.length === 0) continue;
  const lag = [median(ours.map((r) => r.lagMs)), median(loop.map((r) => r.lagMs))] as const;
  const calls = [
    median(ours.map((r) => r.describeCalls)),
    median(loop.map((r) => r.describeCalls)),
  ] as const;
  say(
    `- ${seconds} s job against the 5 s loop: median lag ${secs(lag[0])} s against ${secs(lag[1])} s: ${ok(lag[0] <= lag[1])}; ` +
      `median describe-job calls ${calls[0]} against twice ${calls[1]}: ${ok(calls[0] <= 2 * calls[1])}`,
  );
}
for (const st of startups) {
  const r = ratioOf(st);
  say(
    `- Start-up, ${st.action}: ${r.toFixed(2)}x bare node against ${STARTUP_TARGET}x: ${ok(r <= STARTUP_TARGET && st.errors.length === 0)}`,
  );
}
for (const b of bundles) {
  for (const f of b.files) {
    say(
      `- Bundle file, ${relative(ROOT, f.file)}: ${(f.bytes / 1e3).toFixed(0)} KB against ${BUDGET_BYTES / 1e6} MB: ` +
        ok(f.bytes <= BUDGET_BYTES),
    );
  }
  say(
    `- undici copies in ${relative(ROOT, dirname(bundlePath(b.action)))}/: ${b.undici} against exactly 1: ${ok(b.undici === 1)}`,
  );
}

console.log(lines.join('\n'));
if (failures.length || startups.some((st) => st.errors.length)) process.exitCode = 1;
