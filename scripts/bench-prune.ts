// `npm run bench:prune`: how long the prune action takes to delete 500 of 510 manual backups
// (6 pages of the list) against the simulator with the documented rate limit enforced (20
// requests per second per endpoint, 429 beyond it). The floor is 500 / 20 = 25 s; the target is
// 1.5x that. Runs the prune bundle as the runner does, prints the result and writes it into the
// "Prune" section of docs/benchmarks.md.
//
//   node scripts/bench-prune.ts [--repeats N] [--no-write]
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { format, resolveConfig } from 'prettier';
import { DEFAULT_CLUSTER_ID, startSimulator } from '../simulator/server.ts';
import { REQUESTS_PER_SECOND } from '../src/api/transport.ts';
import { CONCURRENCY } from '../src/prune/workflow.ts';
import { actionNamed, bundlePath, ROOT } from './actions.ts';
import { runBundled } from './runner.ts';

const BACKUPS = 510;
const KEEP = 10;
const DELETIONS = BACKUPS - KEEP;
const PER_SECOND = 20;
const FLOOR_MS = (DELETIONS / PER_SECOND) * 1_000;
const TARGET_MS = FLOOR_MS * 1.5;
const DOC = join(ROOT, 'docs', 'benchmarks.md');
const START = '<!-- prune:start -->';
const END = '<!-- prune:end -->';

const { values: args } = parseArgs({
  allowNegative: true,
  options: { repeats: { type: 'string', default: '1' }, write: { type: 'boolean', default: true } },
});
const repeats = Number(args.repeats);
if (!Number.isInteger(repeats) || repeats < 1) throw new Error('--repeats: a positive integer');

const bundle = bundlePath(actionNamed('prune'));
if (!existsSync(bundle)) {
  console.error(`${bundle} is missing: run npm run build first.`);
  process.exit(2);
}

interface Run {
  ms: number;
  deleted: number;
  left: number;
  limited: number;
  requests: Record<string, number>;
  busiest: number;
  error?: string;
}

/** The most requests of one route that arrived within any 1-second window. */
function busiestSecond(times: number[]): number {
  const sorted = [...times].sort((a, b) => a - b);
  let most = 0;
  for (let i = 0, j = 0; i < sorted.length; i++) {
    while ((sorted[i] as number) - (sorted[j] as number) >= 1_000) j++;
    most = Math.max(most, i - j + 1);
  }
  return most;
}

async function once(): Promise<Run> {
  const sim = await startSimulator({
    scenario: {
      rateLimit: { perSecond: PER_SECOND },
      generateBackups: { count: BACKUPS, size: 5 * 2 ** 30 },
    },
  });
  try {
    const started = Date.now();
    const result = await runBundled(
      {
        'api-key': sim.apiKey,
        'cluster-id': DEFAULT_CLUSTER_ID,
        'base-url': sim.url,
        'keep-last': String(KEEP),
        'max-deletions': String(DELETIONS),
        timeout: '5m',
      },
      { bundle },
    );
    const ms = Date.now() - started;
    const requests: Record<string, number> = {};
    for (const r of sim.requests) requests[r.route] = (requests[r.route] ?? 0) + 1;
    const left = sim.backups().filter((b) => b.status !== 'DELETED').length;
    const deleted = Number(result.outputs.deletedCount);
    return {
      ms,
      deleted,
      left,
      limited: sim.requests.filter((r) => r.status === 429).length,
      requests,
      busiest: busiestSecond(
        sim.requests.filter((r) => r.route === 'deleteBackup').map((r) => r.receivedAt),
      ),
      error:
        result.code !== 0 || deleted !== DELETIONS || left !== KEEP
          ? `exit ${result.code}, ${deleted} deleted, ${left} left: ${result.stdout.slice(-400)}`
          : undefined,
    };
  } finally {
    await sim.close();
  }
}

const runs: Run[] = [];
for (let i = 0; i < repeats; i++) {
  const run = await once();
  process.stderr.write(
    `run ${i + 1}/${repeats}: ${(run.ms / 1000).toFixed(2)} s, ${run.limited} x 429${run.error ? ` — FAILED ${run.error}` : ''}\n`,
  );
  runs.push(run);
}

const secs = (ms: number): string => (ms / 1000).toFixed(2);
const worst = runs.reduce((a, b) => (b.ms > a.ms ? b : a));
const best = runs.reduce((a, b) => (b.ms < a.ms ? b : a));
const met = runs.every((r) => !r.error && r.ms <= TARGET_MS);
const lines = [
  START,
  '',
  '## Prune',
  '',
  `Command: \`npm run bench:prune${process.argv.length > 2 ? ` -- ${process.argv.slice(2).join(' ')}` : ''}\` ` +
    `([\`scripts/bench-prune.ts\`](../scripts/bench-prune.ts)); ${availableParallelism()} CPUs, node ` +
    `${process.version}, ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC.`,
  '',
  `The prune bundle, spawned as a runner spawns it, deletes ${DELETIONS} of ${BACKUPS} manual backups ` +
    `(\`keep-last: ${KEEP}\`, \`max-deletions: ${DELETIONS}\`; the list is ${Math.ceil(BACKUPS / 100)} pages of 100) ` +
    `on the simulator, which enforces the documented limit of ${PER_SECOND} requests per second per ` +
    `endpoint (HTTP 429 beyond it). The floor is ${DELETIONS} / ${PER_SECOND} per second = ${secs(FLOOR_MS)} s; ` +
    `the target is 1.5x that, ${secs(TARGET_MS)} s.`,
  '',
  '| Runs | Step (spawn to exit) | Deleted | Left | Requests (list + delete) | HTTP 429 | Busiest second of deletes |',
  '| --: | --: | --: | --: | --: | --: | --: |',
  `| ${runs.length} | ${runs.length > 1 ? `${secs(best.ms)}–${secs(worst.ms)} s` : `${secs(worst.ms)} s`} | ` +
    `${worst.deleted} | ${worst.left} | ${worst.requests.listBackups ?? 0} + ${worst.requests.deleteBackup ?? 0} | ` +
    `${Math.max(...runs.map((r) => r.limited))} | ${Math.max(...runs.map((r) => r.busiest))} |`,
  '',
  `Target (≤ ${secs(TARGET_MS)} s, every backup due deleted, ${KEEP} left): ${met ? 'met' : '**MISSED**'}. ` +
    `The client spaces requests to one endpoint ${(1000 / REQUESTS_PER_SECOND).toFixed(1)} ms apart ` +
    `(${REQUESTS_PER_SECOND} per second, under the limit, so that network jitter does not push a second ` +
    `over it), ${CONCURRENCY} in flight at once, and honours 429 and Retry-After when the server refuses anyway.`,
  '',
  END,
];
const section = lines.join('\n');
console.log(section);

if (args.write) {
  const doc = readFileSync(DOC, 'utf8');
  const from = doc.indexOf(START);
  const to = doc.indexOf(END);
  const next =
    from >= 0 && to > from
      ? doc.slice(0, from) + section + doc.slice(to + END.length)
      : `${doc.trimEnd()}\n\n${section}\n`;
  // Formatted as `npm run lint` wants it.
  writeFileSync(DOC, await format(next, { ...(await resolveConfig(DOC)), filepath: DOC }));
  process.stderr.write(`wrote the Prune section of ${DOC}\n`);
}
if (!met) process.exitCode = 1;
