// Other Node.js releases than the one running the tests, for what must hold on every Node 24 a
// runner may have. The npm package `node` ships each release's binary (the same package that
// provides this project's own Node); a release is installed once into
// node_modules/.cache/node-releases/<version> and reused after. Two runs installing the same
// release at once each install into a folder of their own, and the first to finish is kept.
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from '../../scripts/actions.ts';

/** The first Node 24 release: the oldest a runner with `using: node24` can have. */
export const OLDEST_NODE_24 = '24.0.0';

const CACHE = join(ROOT, 'node_modules', '.cache', 'node-releases');

const binaryIn = (dir: string): string => join(dir, 'node_modules', 'node', 'bin', 'node');

function versionOf(binary: string): string | undefined {
  try {
    return execFileSync(binary, ['--version'], { encoding: 'utf8' }).trim();
  } catch {
    return undefined;
  }
}

function npmInstall(dir: string, spec: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn('npm', ['install', '--no-audit', '--no-fund', '--prefix', dir, spec], {
      cwd: dir,
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) =>
      code === 0 ? resolve() : reject(new Error(`npm install ${spec} exited ${code}:\n${stderr}`)),
    );
  });
}

/** The path of Node `version`'s binary, installed from the npm registry on first use. */
export async function nodeRelease(version: string): Promise<string> {
  const dir = join(CACHE, version);
  if (versionOf(binaryIn(dir)) !== `v${version}`) {
    mkdirSync(CACHE, { recursive: true });
    const staging = mkdtempSync(join(CACHE, `.${version}-`));
    try {
      // The package installs the binary from a script of its own, which npm runs when allowed.
      writeFileSync(
        join(staging, 'package.json'),
        `${JSON.stringify({ private: true, allowScripts: { node: true } })}\n`,
      );
      await npmInstall(staging, `node@${version}`);
      if (versionOf(binaryIn(dir)) !== `v${version}`) {
        rmSync(dir, { recursive: true, force: true });
        try {
          renameSync(staging, dir);
        } catch {
          // Another run's install got there first: checked below.
        }
      }
    } finally {
      if (existsSync(staging)) rmSync(staging, { recursive: true, force: true });
    }
  }
  const binary = binaryIn(dir);
  const found = versionOf(binary);
  if (found !== `v${version}`)
    throw new Error(`${binary} is ${found ?? 'missing'}, not v${version}`);
  return binary;
}
