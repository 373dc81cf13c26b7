// Command line: node simulator/github/cli.ts [--port N] [--host H] [--path-prefix /api/v3]
//   [--scenario file.json] [--ready-file path]
import { readFile, writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { checkScenarioInput } from './scenario.ts';
import type { ScenarioInput } from './scenario.ts';
import { startGitHubSimulator } from './server.ts';

const USAGE =
  'usage: node simulator/github/cli.ts [--port N] [--host H] [--path-prefix /api/v3]\n' +
  '       [--scenario file.json] [--ready-file path]';

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      port: { type: 'string' },
      host: { type: 'string' },
      'path-prefix': { type: 'string' },
      scenario: { type: 'string' },
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
  if (values.port !== undefined && !/^\d+$/.test(values.port)) {
    throw new Error('--port must be a non-negative integer');
  }
  const sim = await startGitHubSimulator({
    port: values.port === undefined ? undefined : Number(values.port),
    host: values.host,
    pathPrefix: values['path-prefix'],
    scenario,
  });
  console.log(
    `github-simulator listening on ${sim.url} (repository ${sim.owner}/${sim.repo}, token: ${sim.token})`,
  );
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

main().catch((err: unknown) => {
  console.error(`github-simulator: ${err instanceof Error ? err.message : String(err)}`);
  console.error(USAGE);
  process.exit(2);
});
