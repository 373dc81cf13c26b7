// `npm start`: the bundled action against the simulator with sample inputs, showing the log,
// the outputs and the job summary as a user would see them on GitHub.
//   node scripts/demo.ts [--job-ms 4000] [--outcome SUCCESSFUL|FAILED|CANCELED] [--wait false]
import { existsSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { startSimulator, type JobOutcome } from '../simulator/server.ts';
import { DIST, runBundled } from './runner.ts';

const { values } = parseArgs({
  options: {
    'job-ms': { type: 'string', default: '4000' },
    outcome: { type: 'string', default: 'SUCCESSFUL' },
    wait: { type: 'string', default: 'true' },
  },
});

if (!existsSync(DIST)) {
  console.error(`${DIST} is missing: run npm run build first.`);
  process.exit(2);
}

const sim = await startSimulator({
  scenario: { jobDurationMs: Number(values['job-ms']), jobOutcome: values.outcome as JobOutcome },
});
const inputs = {
  'api-key': sim.apiKey,
  'cluster-id': 'in01-3e5ad8adc38a1b2',
  'backup-type': 'COLLECTION',
  database: 'shop',
  collections: 'orders\nitems',
  wait: values.wait ?? 'true',
  timeout: '2m',
  'base-url': sim.url,
};

const rule = (title: string): void =>
  console.log(`\n── ${title} ${'─'.repeat(Math.max(0, 70 - title.length))}`);
rule(`simulator on ${sim.url}; inputs`);
for (const [name, value] of Object.entries(inputs)) {
  console.log(`  ${name}: ${name === 'api-key' ? '***' : JSON.stringify(value)}`);
}
rule('action log (node dist/index.js)');
const result = await runBundled(inputs, { echo: true });
await sim.close();

rule('outputs');
for (const [name, value] of Object.entries(result.outputs)) console.log(`  ${name}=${value}`);
rule('job summary');
console.log(result.summary.trim());
rule('result');
console.log(
  `  exit code ${result.code}, ${(result.durationMs / 1000).toFixed(2)} s for a ${Number(values['job-ms']) / 1000} s backup job; ` +
    `${sim.requests.length} API requests`,
);
process.exitCode = result.code === 0 || values.outcome !== 'SUCCESSFUL' ? 0 : 1;
