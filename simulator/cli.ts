// Command line: node simulator/cli.ts [--port N] [--host H] [--scenario file.json] [--job-ms N]
//   [--outcome SUCCESSFUL|FAILED|CANCELED|CANCELING] [--ready-file path]
import { readFile, writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { checkScenarioInput } from './scenario.ts';
import type { JobOutcome, ScenarioInput } from './scenario.ts';
import { startSimulator } from './server.ts';

const USAGE =
  'usage: node simulator/cli.ts [--port N] [--host H] [--scenario file.json] [--job-ms N]\n' +
  '       [--outcome SUCCESSFUL|FAILED|CANCELED|CANCELING] [--ready-file path]';

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      port: { type: 'string' },
      host: { type: 'string' },
      scenario: { type: 'string' },
      'job-ms': { type: 'string' },
      outcome: { type: 'string' },
      'ready-file': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  });
  if (values.help) {
    console.log(USAGE);
    return;
  }

  const scenario: ScenarioInput = values.scenario
    ? checkScenarioInput(JSON.parse(await readFile(values.scenario, 'utf8')))
    : {};
  if (values['job-ms'] !== undefined) scenario.jobDurationMs = toInt('--job-ms', values['job-ms']);
  if (values.outcome !== undefined) scenario.jobOutcome = values.outcome as JobOutcome;
  checkScenarioInput(scenario);

  const sim = await startSimulator({
    port: values.port === undefined ? undefined : toInt('--port', values.port),
    host: values.host,
    scenario,
  });
  console.log(`zilliz-simulator listening on ${sim.url} (api key: ${sim.apiKey})`);
  if (values['ready-file']) await writeFile(values['ready-file'], `${sim.url}\n`);

  const stop = (): void => {
    sim.close().then(
      () => process.exit(0),
      (err: unknown) => {
        console.error(err);
        process.exit(1);
      },
    );
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

function toInt(flag: string, value: string): number {
  if (!/^\d+$/.test(value)) throw new Error(`${flag} must be a non-negative integer`);
  return Number(value);
}

main().catch((err: unknown) => {
  console.error(`zilliz-simulator: ${err instanceof Error ? err.message : String(err)}`);
  console.error(USAGE);
  process.exit(2);
});
