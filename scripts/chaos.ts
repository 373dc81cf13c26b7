// `npm run chaos`: the bundled action against the simulator through a matrix of fault scenarios,
// many rounds each with random faults, and a table of what matters: backups made per run
// (exactly one per workflow where one was asked), outputs lost (none), backups reported by a
// workflow that did not make them (none), and the longest step against its timeout.
//   node scripts/chaos.ts [--rounds 10] [--concurrency 3] [--seed 1] [--only <part of a name>]
import { parseArgs } from 'node:util';
import {
  startSimulator,
  type Fault,
  type RouteName,
  type ScenarioInput,
} from '../simulator/server.ts';
import { plural } from './plural.ts';
import { pool } from './pool.ts';
import { runBundled, type BundledRun, type Inputs } from './runner.ts';

const { values } = parseArgs({
  options: {
    rounds: { type: 'string', default: '10' },
    concurrency: { type: 'string', default: '3' },
    seed: { type: 'string', default: '1' },
    only: { type: 'string' },
  },
});
const ROUNDS = Number(values.rounds);
const CONCURRENCY = Number(values.concurrency);

/** Small seeded generator (mulberry32): the same seed replays the same faults. */
function rng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

type Random = () => number;
const pick = <T>(random: Random, items: readonly T[]): T =>
  items[Math.floor(random() * items.length)] as T;
const between = (random: Random, min: number, max: number): number =>
  min + Math.floor(random() * (max - min + 1));

const READS: RouteName[] = ['describeJob', 'listBackups', 'describeBackup'];

function transientFault(random: Random, route: RouteName): Fault {
  const kind = pick(random, ['5xx', 'nonJson', 'reset', 'delay'] as const);
  if (kind === '5xx') return { route, kind: 'status', status: pick(random, [500, 502, 503, 504]) };
  if (kind === 'delay') return { route, kind: 'delay', delayMs: between(random, 100, 1_500) };
  return { route, kind };
}

function flakyReads(random: Random): Fault[] {
  return Array.from({ length: between(random, 1, 4) }, () =>
    transientFault(random, pick(random, READS)),
  );
}

interface Scenario {
  name: string;
  timeout: string;
  timeoutMs: number;
  /** Manual backups the run must leave behind. */
  backups: number;
  /** The step's expected verdict. */
  succeeds: boolean;
  /** Expected `status` output, when a backup exists. */
  status?: string;
  setup: (random: Random) => ScenarioInput;
  /** Workflows run at once on the cluster, by their own inputs; one cluster backup if left out. */
  workflows?: Inputs[];
}

/** What most scenarios must end with, faults or not: one backup, SUCCESSFUL, well in time. */
const ONE_SUCCESSFUL_BACKUP = {
  timeout: '30s',
  timeoutMs: 30_000,
  backups: 1,
  succeeds: true,
  status: 'SUCCESSFUL',
} as const;

const SCENARIOS: Scenario[] = [
  {
    name: 'clean',
    ...ONE_SUCCESSFUL_BACKUP,
    setup: () => ({}),
  },
  {
    name: 'flaky reads (5xx, HTML, resets, slow)',
    ...ONE_SUCCESSFUL_BACKUP,
    setup: (random) => ({ faults: flakyReads(random) }),
  },
  {
    name: 'throttled (429 + Retry-After) on any route',
    ...ONE_SUCCESSFUL_BACKUP,
    setup: (random) => ({
      faults: Array.from({ length: between(random, 1, 3) }, () => ({
        route: pick(random, [...READS, 'createBackup'] as const),
        kind: 'status' as const,
        status: 429,
        retryAfter: String(between(random, 0, 1)),
      })),
    }),
  },
  {
    name: 'create reply lost after commit',
    ...ONE_SUCCESSFUL_BACKUP,
    setup: (random) => ({
      faults: [{ route: 'createBackup', kind: 'commitThenDrop' }, ...flakyReads(random)],
    }),
  },
  {
    name: 'create fails ambiguously (5xx, reset, HTML 200)',
    ...ONE_SUCCESSFUL_BACKUP,
    setup: (random) => ({
      faults: Array.from({ length: between(random, 1, 2) }, () => {
        const fault = transientFault(random, 'createBackup');
        return fault.kind === 'delay' ? ({ route: 'createBackup', kind: 'reset' } as Fault) : fault;
      }),
    }),
  },
  {
    name: 'cluster busy (automatic backup running)',
    ...ONE_SUCCESSFUL_BACKUP,
    setup: (random) =>
      random() < 0.5
        ? { autoBackupStartsOnCreate: true }
        : {
            existingBackups: [
              {
                creationMethod: 'AUTO',
                status: 'CREATING',
                finishAfterMs: between(random, 300, 2_000),
              },
            ],
          },
  },
  {
    name: 'job fails',
    timeout: '30s',
    timeoutMs: 30_000,
    backups: 1,
    succeeds: false,
    status: 'FAILED',
    setup: (random) => ({ jobOutcome: 'FAILED', faults: flakyReads(random) }),
  },
  {
    name: 'API down while waiting (503 forever)',
    timeout: '4s',
    timeoutMs: 4_000,
    backups: 1,
    succeeds: false,
    status: 'TIMED_OUT',
    setup: () => ({
      jobDurationMs: 60_000,
      faults: [{ route: 'describeJob', kind: 'status', status: 503, times: 10_000 }],
    }),
  },
  {
    name: 'two workflows, different collections, first create lost or reset',
    ...ONE_SUCCESSFUL_BACKUP,
    backups: 2,
    workflows: [
      { 'backup-type': 'COLLECTION', collections: 'orders' },
      { 'backup-type': 'COLLECTION', collections: 'items, users' },
    ],
    setup: (random) => ({
      faults: [
        { route: 'createBackup', kind: pick(random, ['commitThenDrop', 'reset'] as const) },
        ...(random() < 0.5 ? [transientFault(random, 'createBackup')] : []),
        ...flakyReads(random),
      ],
    }),
  },
  {
    name: 'hung server (accepts, never answers)',
    timeout: '3s',
    timeoutMs: 3_000,
    backups: 0,
    succeeds: false,
    setup: () => ({ faults: [{ route: '*', kind: 'hang', times: 10_000 }] }),
  },
];

interface Round {
  passed: boolean;
  backups: number;
  outputsLost: number;
  /** Runs whose backupId names a backup that does not hold what they asked for. */
  wrongful: number;
  durationMs: number;
  problem?: string;
}

async function runRound(scenario: Scenario, seed: number): Promise<Round> {
  const random = rng(seed);
  const sim = await startSimulator({
    scenario: { jobDurationMs: 1_000, ...scenario.setup(random) },
  });
  const workflows = scenario.workflows ?? [{}];
  let runs: BundledRun[];
  try {
    runs = await Promise.all(
      workflows.map((extra) =>
        runBundled({
          'api-key': sim.apiKey,
          'cluster-id': 'in01-3e5ad8adc38a1b2',
          'base-url': sim.url,
          timeout: scenario.timeout,
          ...extra,
        }),
      ),
    );
  } finally {
    await sim.close();
  }
  const manual = sim.backups().filter((b) => b.creationMethod === 'MANUAL');
  const problems: string[] = [];
  let outputsLost = 0;
  let wrongful = 0;
  for (const [i, run] of runs.entries()) {
    const asked = parseCollections(workflows[i]?.collections);
    const named = manual.find((b) => b.backupId === run.outputs.backupId);
    const held = named?.collections.flatMap((c) => c.collectionNames);
    if (run.outputs.backupId && (!named || (asked && held?.join() !== asked.join()))) wrongful++;
    const backup = workflows.length === 1 ? manual[0] : named;
    if (backup) {
      if (run.outputs.backupId !== backup.backupId) outputsLost++;
      if (run.outputs.backupName !== backup.backupName) outputsLost++;
      const job = sim.jobs().find((j) => j.backupId === backup.backupId);
      const adopted = run.outputs.jobId === undefined && run.stdout.includes('it is ours');
      if (!adopted && run.outputs.jobId !== job?.jobId) outputsLost++;
      if (scenario.status && run.outputs.status !== scenario.status)
        problems.push(`status ${run.outputs.status}`);
    } else if (scenario.backups > 0) {
      outputsLost++;
    }
    if ((run.code === 0) !== scenario.succeeds) {
      const error = /^::error::(.*)$/m.exec(run.stdout)?.[1] ?? '';
      problems.push(`exit code ${run.code} (${error.slice(0, 300)})`);
    }
    if (run.durationMs > scenario.timeoutMs + 2_000) problems.push(`took ${run.durationMs} ms`);
    if (run.stderr.trim()) problems.push(`stderr: ${run.stderr.trim().slice(0, 80)}`);
  }
  if (wrongful > 0) problems.push(plural(wrongful, 'wrongful adoption'));
  if (outputsLost > 0) problems.push(plural(outputsLost, 'output lost', 'outputs lost'));
  if (manual.length !== scenario.backups) problems.push(plural(manual.length, 'backup'));
  return {
    passed: problems.length === 0,
    backups: manual.length,
    outputsLost,
    wrongful,
    durationMs: Math.max(...runs.map((run) => run.durationMs)),
    problem: problems.join(', ') || undefined,
  };
}

/** "items, users" → ['items', 'users']; undefined for a cluster backup. */
function parseCollections(text: string | undefined): string[] | undefined {
  return text
    ?.split(/[,\n]/)
    .map((name) => name.trim())
    .filter(Boolean);
}

const started = Date.now();
const seed = Number(values.seed);
const rows: string[] = [];
let allPassed = true;
for (const [index, scenario] of SCENARIOS.entries()) {
  if (values.only && !scenario.name.includes(values.only)) continue;
  const rounds = await pool(
    Array.from(
      { length: ROUNDS },
      (_, round) => () => runRound(scenario, seed * 100_000 + index * 1_000 + round),
    ),
    CONCURRENCY,
  );
  const passed = rounds.filter((r) => r.passed).length;
  const backups = rounds.map((r) => r.backups);
  const lost = rounds.reduce((sum, r) => sum + r.outputsLost, 0);
  const wrongful = rounds.reduce((sum, r) => sum + r.wrongful, 0);
  const longest = Math.max(...rounds.map((r) => r.durationMs));
  const range =
    Math.min(...backups) === Math.max(...backups)
      ? `${backups[0]}`
      : `${Math.min(...backups)}–${Math.max(...backups)}`;
  rows.push(
    `| ${scenario.name} | ${ROUNDS} | ${passed} | ${range} (want ${scenario.backups}) | ${lost} | ${wrongful} | ${(longest / 1000).toFixed(1)} s / ${scenario.timeout} |`,
  );
  for (const failure of rounds.filter((r) => !r.passed))
    console.error(`  ${scenario.name}: ${failure.problem}`);
  if (passed < ROUNDS) allPassed = false;
  console.error(`${scenario.name}: ${passed}/${ROUNDS} passed`);
}

console.log(
  `\nnode scripts/chaos.ts --rounds ${ROUNDS} --concurrency ${CONCURRENCY} --seed ${seed}  (${((Date.now() - started) / 1000).toFixed(0)} s, node ${process.version})\n`,
);
console.log(
  '| scenario | rounds | passed | backups per run | outputs lost | wrongful adoptions | longest step / timeout |',
);
console.log('| --- | ---: | ---: | --- | ---: | ---: | --- |');
for (const row of rows) console.log(row);
process.exitCode = allPassed ? 0 : 1;
