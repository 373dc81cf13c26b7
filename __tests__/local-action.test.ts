// `npm run local-action` as CONTRIBUTING.md documents it: the source (not dist/) run by
// @github/local-action with .env.example, against the simulator the script starts and stops.
// The file's simulator port (8931, as documented) is the one thing a test cannot share with
// another run of the suite: the tests give the script a copy of .env.example that asks for any
// free port (0) and writes the summary to a temporary folder, everything else as it is.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ROOT } from './helpers/workflows.ts';
import { expectExit, runScript } from './helpers/children.ts';

const SCRIPT = join(ROOT, 'scripts', 'local-action.ts');
const EXAMPLE = readFileSync(join(ROOT, '.env.example'), 'utf8');
const dir = mkdtempSync(join(tmpdir(), 'zilliz-local-action-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** .env.example with the simulator on any free port, the summary in `summary`, and `changes`. */
function envFile(
  name: string,
  summary: string,
  changes: (text: string) => string = (t) => t,
): string {
  const file = join(dir, name);
  writeFileSync(
    file,
    changes(
      EXAMPLE.replace(/^INPUT_BASE-URL=.*$/m, 'INPUT_BASE-URL=http://127.0.0.1:0').replace(
        /^GITHUB_STEP_SUMMARY=.*$/m,
        `GITHUB_STEP_SUMMARY=${summary}`,
      ),
    ),
  );
  return file;
}

/** Runs the script with an environment free of any runner's GITHUB_* and INPUT_* variables. */
function localAction(...args: string[]) {
  const env = Object.fromEntries(
    Object.entries(process.env).filter(([name]) => !/^(GITHUB_|INPUT_|RUNNER_)/.test(name)),
  );
  return runScript(SCRIPT, args, { env: { ...env, FORCE_COLOR: '0' } });
}

describe('npm run local-action', () => {
  it('documents a simulator on 127.0.0.1:8931 in .env.example', () => {
    expect(EXAMPLE).toMatch(/^INPUT_BASE-URL=http:\/\/127\.0\.0\.1:8931$/m);
    expect(EXAMPLE).toContain('scripts/local-action.ts starts on 127.0.0.1:8931');
  });

  it('backs up against the simulator with .env.example and prints outputs and summary', async () => {
    const summary = join(dir, 'summary.md');
    const run = await localAction(envFile('example.env', summary));
    expectExit(run, 0);
    const port = /Zilliz Cloud simulator on http:\/\/127\.0\.0\.1:(\d+) /.exec(run.stdout)?.[1];
    expect(Number(port)).toBeGreaterThan(0);
    expect(run.stdout).toMatch(/'status'\s*│\s*'SUCCESSFUL'/);
    expect(run.stdout).toMatch(/'backupId'\s*│\s*'backup\w+'/);
    expect(run.stdout).toContain('Job summary');
    expect(run.stdout).toContain('COLLECTION: collections orders, items in database shop');
    expect(readFileSync(summary, 'utf8')).toContain('COLLECTION: collections orders, items');
  });

  it('exits 1 when the step fails (here: a wrong key), with a file given as argument', async () => {
    const summary = join(dir, 'failed-summary.md');
    const file = envFile('bad.env', summary, (text) =>
      text.replace(/^INPUT_API-KEY=.*$/m, 'INPUT_API-KEY=not-the-key'),
    );
    const run = await localAction(file);
    expectExit(run, 1);
    expect(run.stdout).toMatch(/::error::.*21119: The apikey is illegal/);
    expect(readFileSync(summary, 'utf8')).toContain('No backup of cluster');
    expect(run.stdout).not.toContain('not-the-key');
  });
});
