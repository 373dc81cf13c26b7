// `npm run demo:restore`: the bundled restore action against the simulator. A collection backup
// of shop.orders and shop.items is restored next to the originals (suffix _restored), or, with
// --cluster, a cluster backup into a new cluster; shows the log, the outputs and the job summary
// as a user would see them on GitHub.
//   npm run demo:restore -- [--job-ms 3000] [--cluster] [--fail-second]
import { existsSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { DEFAULT_CLUSTER_ID, DEFAULT_PROJECT_ID, startSimulator } from '../simulator/server.ts';
import { actionNamed, bundlePath } from './actions.ts';
import { plural } from './plural.ts';
import { runBundled } from './runner.ts';
import { summaryText } from './terminal.ts';

const USAGE = 'usage: npm run demo:restore -- [--job-ms 3000] [--cluster] [--fail-second]';

function options(): { jobMs: number; cluster: boolean; failSecond: boolean } {
  try {
    const { values } = parseArgs({
      options: {
        'job-ms': { type: 'string', default: '3000' },
        cluster: { type: 'boolean', default: false },
        'fail-second': { type: 'boolean', default: false },
      },
    });
    if (!/^\d+$/.test(values['job-ms']))
      throw new Error(`--job-ms ${values['job-ms']} is not a number of milliseconds`);
    return {
      jobMs: Number(values['job-ms']),
      cluster: values.cluster,
      failSecond: values['fail-second'],
    };
  } catch (error) {
    console.error(`${(error as Error).message}\n${USAGE}`);
    process.exit(2);
  }
}

const values = options();

const bundle = bundlePath(actionNamed('restore'));
if (!existsSync(bundle)) {
  console.error(`${bundle} is missing: run npm run build first.`);
  process.exit(2);
}

const backupId = 'backup1_demo0a1b2c3d4e5';
const sim = await startSimulator({
  scenario: {
    restoreJobDurationMs: values.jobMs,
    restoreOutcomes: values.failSecond ? ['SUCCESSFUL', 'FAILED'] : [],
    existingBackups: [
      values.cluster
        ? { backupId, backupType: 'CLUSTER', creationMethod: 'MANUAL' }
        : {
            backupId,
            backupType: 'COLLECTION',
            creationMethod: 'MANUAL',
            collections: [{ dbName: 'shop', collectionNames: ['orders', 'items'] }],
          },
    ],
    collectionsField: 'dbCollections',
  },
});
const inputs: Record<string, string> = {
  'api-key': sim.apiKey,
  'cluster-id': DEFAULT_CLUSTER_ID,
  'backup-id': backupId,
  timeout: '2m',
  'base-url': sim.url,
  ...(values.cluster
    ? { 'project-id': DEFAULT_PROJECT_ID, 'cluster-name': 'rollback-demo' }
    : { collections: 'orders, items' }),
};

const rule = (title: string): void =>
  console.log(`\n── ${title} ${'─'.repeat(Math.max(0, 70 - title.length))}`);
rule(`simulator on ${sim.url}; inputs`);
for (const [name, value] of Object.entries(inputs)) {
  console.log(`  ${name}: ${name === 'api-key' ? '***' : JSON.stringify(value)}`);
}
rule('action log (node dist/restore/index.js)');
const result = await runBundled(inputs, { echo: true, bundle });
await sim.close();

rule('outputs');
for (const [name, value] of Object.entries(result.outputs)) {
  console.log(`  ${name}=${name === 'password' ? '*** (masked on a runner)' : value}`);
}
rule('job summary');
console.log(summaryText(result.summary));
rule('result');
console.log(
  `  exit code ${result.code}, ${(result.durationMs / 1000).toFixed(2)} s; ${plural(sim.requests.length, 'API request')}`,
);
process.exitCode = result.code === 0 || values.failSecond ? 0 : 1;
