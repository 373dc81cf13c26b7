// `npm run demo:restore`: the bundled restore action against the simulator. A collection backup
// of shop.orders and shop.items is restored next to the originals (suffix _restored), or, with
// --cluster, a cluster backup into a new cluster; shows the log, the outputs and the job summary
// as a user would see them on GitHub.
//   node scripts/demo-restore.ts [--job-ms 3000] [--cluster] [--fail-second]
import { existsSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { DEFAULT_CLUSTER_ID, DEFAULT_PROJECT_ID, startSimulator } from '../simulator/server.ts';
import { actionNamed, bundlePath } from './actions.ts';
import { runBundled } from './runner.ts';

const { values } = parseArgs({
  options: {
    'job-ms': { type: 'string', default: '3000' },
    cluster: { type: 'boolean', default: false },
    'fail-second': { type: 'boolean', default: false },
  },
});

const bundle = bundlePath(actionNamed('restore'));
if (!existsSync(bundle)) {
  console.error(`${bundle} is missing: run npm run build first.`);
  process.exit(2);
}

const backupId = 'backup1_demo0a1b2c3d4e5';
const sim = await startSimulator({
  scenario: {
    restoreJobDurationMs: Number(values['job-ms']),
    restoreOutcomes: values['fail-second'] ? ['SUCCESSFUL', 'FAILED'] : [],
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
console.log(result.summary.trim());
rule('result');
console.log(
  `  exit code ${result.code}, ${(result.durationMs / 1000).toFixed(2)} s; ${sim.requests.length} API requests`,
);
process.exitCode = result.code === 0 || values['fail-second'] ? 0 : 1;
