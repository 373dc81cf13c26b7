// `npm run local-action` as CONTRIBUTING.md documents it: the source (not dist/) run by
// @github/local-action with .env.example, against the simulator the script starts and stops.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ROOT } from './helpers/workflows.ts';

const SCRIPT = join(ROOT, 'scripts', 'local-action.ts');
const dir = mkdtempSync(join(tmpdir(), 'zilliz-local-action-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Runs the script with an environment free of any runner's GITHUB_* and INPUT_* variables. */
async function localAction(...args: string[]): Promise<{ code: number | null; stdout: string }> {
  const env = Object.fromEntries(
    Object.entries(process.env).filter(([name]) => !/^(GITHUB_|INPUT_|RUNNER_)/.test(name)),
  );
  const child = spawn(process.execPath, [SCRIPT, ...args], {
    cwd: ROOT,
    env: { ...env, FORCE_COLOR: '0' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.resume();
  const code = await new Promise<number | null>((done) => child.on('close', done));
  return { code, stdout };
}

describe('npm run local-action', () => {
  it('backs up against the simulator with .env.example and prints outputs and summary', async () => {
    const { code, stdout } = await localAction();
    expect(code).toBe(0);
    expect(stdout).toContain('Zilliz Cloud simulator on http://127.0.0.1:8931');
    expect(stdout).toMatch(/'status'\s*│\s*'SUCCESSFUL'/);
    expect(stdout).toMatch(/'backupId'\s*│\s*'backup\w+'/);
    expect(stdout).toContain('Job summary');
    expect(stdout).toContain('COLLECTION: collections orders, items in database shop');
  });

  it('exits 1 when the step fails (here: a wrong key), with a file given as argument', async () => {
    const envFile = join(dir, 'bad.env');
    const summary = join(dir, 'summary.md');
    writeFileSync(
      envFile,
      readFileSync(join(ROOT, '.env.example'), 'utf8')
        .replace(/^INPUT_API-KEY=.*$/m, 'INPUT_API-KEY=not-the-key')
        .replace(/^GITHUB_STEP_SUMMARY=.*$/m, `GITHUB_STEP_SUMMARY=${summary}`),
    );
    const { code, stdout } = await localAction(envFile);
    expect(code).toBe(1);
    expect(stdout).toMatch(/::error::.*21119: The apikey is illegal/);
    expect(readFileSync(summary, 'utf8')).toContain('No backup of cluster');
    expect(stdout).not.toContain('not-the-key');
  });
});
