// `npm start`: the bundled action against the simulator with sample inputs, showing the log,
// the outputs and the job summary as a user would read them on GitHub, for any ending.
import { parseArgs } from 'node:util';
import { startSimulator, type ScenarioInput } from '../simulator/server.ts';
import { runBundled } from './runner.ts';
import { plural } from './plural.ts';
import { summaryText } from './terminal.ts';

const USAGE =
  'usage: npm start -- [--ending success|failed|canceled|timeout|busy] [--job-ms 4000] [--wait true|false]';

/** The simulated world, and the inputs that differ from the defaults, for each ending. */
const ENDINGS: Record<string, (jobMs: number) => [ScenarioInput, Record<string, string>]> = {
  success: (jobMs) => [{ jobDurationMs: jobMs }, {}],
  failed: (jobMs) => [{ jobDurationMs: jobMs, jobOutcome: 'FAILED' }, {}],
  canceled: (jobMs) => [{ jobDurationMs: jobMs, jobOutcome: 'CANCELED' }, {}],
  // The job outlasts the step's timeout.
  timeout: (jobMs) => [{ jobDurationMs: Math.max(jobMs, 60_000) }, { timeout: '3s' }],
  // An automatic backup is running on the cluster, and the step is told not to wait for it.
  busy: (jobMs) => [
    {
      jobDurationMs: jobMs,
      existingBackups: [{ creationMethod: 'AUTO', status: 'CREATING', backupType: 'CLUSTER' }],
    },
    { 'if-in-progress': 'fail' },
  ],
};

function options(): { ending: string; jobMs: number; wait: string } {
  try {
    const { values } = parseArgs({
      options: {
        ending: { type: 'string', default: 'success' },
        'job-ms': { type: 'string', default: '4000' },
        wait: { type: 'string', default: 'true' },
      },
    });
    const jobMs = Number(values['job-ms']);
    if (!(values.ending in ENDINGS))
      throw new Error(`--ending ${values.ending} is not one of ${Object.keys(ENDINGS).join(', ')}`);
    if (!/^\d+$/.test(values['job-ms']))
      throw new Error(`--job-ms ${values['job-ms']} is not a number of milliseconds`);
    if (!['true', 'false'].includes(values.wait))
      throw new Error(`--wait ${values.wait} is not true or false`);
    return { ending: values.ending, jobMs, wait: values.wait };
  } catch (error) {
    console.error(`${(error as Error).message}\n${USAGE}`);
    process.exit(2);
  }
}

const { ending, jobMs, wait } = options();
const [scenario, extraInputs] = (ENDINGS[ending] as (typeof ENDINGS)[string])(jobMs);
const sim = await startSimulator({ scenario });
const inputs = {
  'api-key': sim.apiKey,
  'cluster-id': 'in01-3e5ad8adc38a1b2',
  'backup-type': 'COLLECTION',
  database: 'shop',
  collections: 'orders\nitems',
  wait,
  timeout: '2m',
  'base-url': sim.url,
  ...extraInputs,
};

const rule = (title: string): void =>
  console.log(`\n── ${title} ${'─'.repeat(Math.max(0, 70 - title.length))}`);
rule(`simulator on ${sim.url} (ending: ${ending}); inputs`);
for (const [name, value] of Object.entries(inputs)) {
  console.log(`  ${name}: ${name === 'api-key' ? '***' : JSON.stringify(value)}`);
}
rule('action log (node dist/index.js)');
const result = await runBundled(inputs, { echo: true });
await sim.close();

rule('outputs');
for (const [name, value] of Object.entries(result.outputs)) console.log(`  ${name}=${value}`);
rule('job summary');
console.log(summaryText(result.summary));
rule('result');
console.log(
  `  exit code ${result.code}, ${(result.durationMs / 1000).toFixed(2)} s for a ${jobMs / 1000} s backup job; ` +
    plural(sim.requests.length, 'API request'),
);
// The demo succeeds when the step ended the way it was asked to.
const expectedCode = ending === 'success' ? 0 : 1;
process.exitCode = result.code === expectedCode ? 0 : 1;
