// `npm run demo:prune`: the bundled prune action against the simulator, on a cluster with a
// backup a day for the last --backups days (manual cluster backups, mixed with automatic ones,
// collection backups and one still being made, which are never in scope); shows the log, the
// outputs and the job summary as a user would see them on GitHub.
//   npm run demo:prune -- [--backups 24] [--keep-last 5] [--older-than 10d] [--max-deletions 5]
//     [--dry-run]
import { existsSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { DEFAULT_CLUSTER_ID, startSimulator } from '../simulator/server.ts';
import { actionNamed, bundlePath } from './actions.ts';
import { plural } from './plural.ts';
import { runBundled } from './runner.ts';
import { summaryText } from './terminal.ts';

const USAGE =
  'usage: npm run demo:prune -- [--backups 24] [--keep-last 5] [--older-than 10d] ' +
  '[--max-deletions 5] [--dry-run]';

function options(): {
  backups: number;
  keepLast: string;
  olderThan: string;
  maxDeletions: string;
  dryRun: boolean;
} {
  try {
    const { values } = parseArgs({
      options: {
        backups: { type: 'string', default: '24' },
        'keep-last': { type: 'string', default: '5' },
        'older-than': { type: 'string', default: '10d' },
        'max-deletions': { type: 'string', default: '5' },
        'dry-run': { type: 'boolean', default: false },
      },
    });
    const backups = Number(values.backups);
    if (!/^\d+$/.test(values.backups) || backups < 1 || backups > 1000)
      throw new Error(`--backups ${values.backups} is not a number of backups from 1 to 1000`);
    // The other values go to the action as they are: it says itself what it accepts.
    return {
      backups,
      keepLast: values['keep-last'],
      olderThan: values['older-than'],
      maxDeletions: values['max-deletions'],
      dryRun: values['dry-run'],
    };
  } catch (error) {
    console.error(`${(error as Error).message}\n${USAGE}`);
    process.exit(2);
  }
}

const { backups, keepLast, olderThan, maxDeletions, dryRun } = options();
const bundle = bundlePath(actionNamed('prune'));
if (!existsSync(bundle)) {
  console.error(`${bundle} is missing: run npm run build first.`);
  process.exit(2);
}

const sim = await startSimulator({
  scenario: { generateBackups: { count: backups, clusterId: DEFAULT_CLUSTER_ID, mixed: true } },
});
const inputs: Record<string, string> = {
  'api-key': sim.apiKey,
  'cluster-id': DEFAULT_CLUSTER_ID,
  'keep-last': keepLast,
  'older-than': olderThan,
  'max-deletions': maxDeletions,
  'dry-run': String(dryRun),
  timeout: '2m',
  'base-url': sim.url,
};

const rule = (title: string): void =>
  console.log(`\n── ${title} ${'─'.repeat(Math.max(0, 70 - title.length))}`);
rule(`simulator on ${sim.url}: ${plural(backups, 'backup')}, one a day; inputs`);
for (const [name, value] of Object.entries(inputs)) {
  console.log(`  ${name}: ${name === 'api-key' ? '***' : JSON.stringify(value)}`);
}
rule('action log (node dist/prune/index.js)');
const result = await runBundled(inputs, { echo: true, bundle });
const left = sim.backups().filter((backup) => backup.status !== 'DELETED').length;
await sim.close();

rule('outputs');
for (const [name, value] of Object.entries(result.outputs)) console.log(`  ${name}=${value}`);
rule('job summary');
console.log(summaryText(result.summary));
rule('result');
console.log(
  `  exit code ${result.code}, ${(result.durationMs / 1000).toFixed(2)} s; ` +
    `${plural(sim.requests.length, 'API request')}; ${left} of ${plural(backups, 'backup')} left on the cluster`,
);
process.exitCode = result.code === 0 ? 0 : 1;
