// `npm run chaos`: the bundled action against the simulator through a matrix of fault scenarios,
// many rounds each with random faults, and a table of what matters: backups made per run
// (exactly one where one was asked), outputs lost (none), and the longest step against its
// timeout.
//   node scripts/chaos.ts [--rounds 10] [--concurrency 3] [--seed 1]
import { parseArgs } from 'node:util';
import {
  startSimulator,
  type Fault,
  type RouteName,
  type ScenarioInput,
} from '../simulator/server.ts';
import { pool } from './pool.ts';
import { runBundled, type BundledRun } from './runner.ts';

const { values } = parseArgs({
  options: {
    rounds: { type: 'string', default: '10' },
    concurrency: { type: 'string', default: '3' },
    seed: { type: 'string', default: '1' },
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
  durationMs: number;
  problem?: string;
}

async function runRound(scenario: Scenario, seed: number): Promise<Round> {
  const random = rng(seed);
  const sim = await startSimulator({
    scenario: { jobDurationMs: 1_000, ...scenario.setup(random) },
  });
  let run: BundledRun;
  try {
    run = await runBundled({
      'api-key': sim.apiKey,
      'cluster-id': 'in01-3e5ad8adc38a1b2',
      'base-url': sim.url,
      timeout: scenario.timeout,
    });
  } finally {
    await sim.close();
  }
  const manual = sim.backups().filter((b) => b.creationMethod === 'MANUAL');
  const problems: string[] = [];
  let outputsLost = 0;
  const [backup] = manual;
  if (backup) {
    if (run.outputs.backupId !== backup.backupId) outputsLost++;
    if (run.outputs.backupName !== backup.backupName) outputsLost++;
    const job = sim.jobs().find((j) => j.backupId === backup.backupId);
    const adopted = run.stdout.includes('The reply to a create was lost');
    if (!adopted && run.outputs.jobId !== job?.jobId) outputsLost++;
    if (scenario.status && run.outputs.status !== scenario.status)
      problems.push(`status ${run.outputs.status}`);
  }
  if (outputsLost > 0) problems.push(`${outputsLost} outputs lost`);
  if (manual.length !== scenario.backups) problems.push(`${manual.length} backups`);
  if ((run.code === 0) !== scenario.succeeds) problems.push(`exit code ${run.code}`);
  if (run.durationMs > scenario.timeoutMs + 2_000) problems.push(`took ${run.durationMs} ms`);
  if (run.stderr.trim()) problems.push(`stderr: ${run.stderr.trim().slice(0, 80)}`);
  return {
    passed: problems.length === 0,
    backups: manual.length,
    outputsLost,
    durationMs: run.durationMs,
    problem: problems.join(', ') || undefined,
  };
}

const started = Date.now();
const seed = Number(values.seed);
const rows: string[] = [];
let allPassed = true;
for (const [index, scenario] of SCENARIOS.entries()) {
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
  const longest = Math.max(...rounds.map((r) => r.durationMs));
  const range =
    Math.min(...backups) === Math.max(...backups)
      ? `${backups[0]}`
      : `${Math.min(...backups)}–${Math.max(...backups)}`;
  rows.push(
    `| ${scenario.name} | ${ROUNDS} | ${passed} | ${range} (want ${scenario.backups}) | ${lost} | ${(longest / 1000).toFixed(1)} s / ${scenario.timeout} |`,
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
  '| scenario | rounds | passed | backups per run | outputs lost | longest step / timeout |',
);
console.log('| --- | ---: | ---: | --- | ---: | --- |');
for (const row of rows) console.log(row);
process.exitCode = allPassed ? 0 : 1;
