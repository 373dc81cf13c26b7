// `npm run build`: one bundle per action of the suite (scripts/actions.ts), with ncc, as
// actions/checkout and actions/cache build theirs.
//
// ncc writes each action's folder whole: `index.js` (what the runner starts), a chunk per
// dynamic import (`<id>.index.js`, loaded only when that code runs: @actions/github, see
// src/core/github.ts) and a `package.json` that makes the bundle an ES module wherever it is
// checked out. Beside them the build writes `licenses.txt`, the licence texts of the packages
// with code in any file of the folder, as their terms ask (ncc's own --license list leaves most
// of them out). The files of the folder are replaced, not added to, so that a chunk no longer
// built does not linger (and the dist/ freshness check sees it go).
//
// Every file goes into place whole: written beside its target, then renamed over it, and only
// when its content changed. The tests build before they run (another `npx vitest run` may be
// spawning the bundles of this checkout at that moment), and a process that starts a bundle
// reads the old file or the new one, never half of one.
//
//   node scripts/build.ts [action …]     (every action of scripts/actions.ts by default)
import { spawn } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ACTIONS, ROOT } from './actions.ts';

const NCC = join(ROOT, 'node_modules', '@vercel', 'ncc', 'dist', 'ncc', 'cli.js');

function ncc(args: string[]): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const child = spawn(process.execPath, [NCC, ...args], { cwd: ROOT, stdio: 'inherit' });
    child.on('error', reject);
    child.on('close', (code) =>
      code === 0 ? resolve() : reject(new Error(`ncc ${args.join(' ')} exited with ${code}`)),
    );
  });
}

interface Stats {
  modules?: { identifier?: string; size?: number; modules?: Stats['modules'] }[];
}

/** The folders of the packages with code in the build, from webpack's stats (via ncc). */
function packageDirs(stats: Stats): Set<string> {
  const dirs = new Set<string>();
  const visit = (modules: Stats['modules'] = []): void => {
    for (const module of modules) {
      visit(module.modules);
      // "loader!loader!/…/node_modules/@scope/name/lib/file.js": the file is after the last "!".
      const file = (module.identifier ?? '').split('!').pop() ?? '';
      const match = /^(.*\/node_modules\/(?:@[^/]+\/)?[^/]+)\//.exec(file);
      if (match?.[1] && (module.size ?? 0) > 0) dirs.add(match[1]);
    }
  };
  visit(stats.modules);
  return dirs;
}

/** "name version", licence, licence text: for every package, one entry per version. */
function licenses(dirs: Set<string>): string {
  const entries = new Map<string, string>();
  for (const dir of dirs) {
    const { name, version, license } = JSON.parse(
      readFileSync(join(dir, 'package.json'), 'utf8'),
    ) as { name: string; version: string; license?: string };
    const file = readdirSync(dir).find((f) => /^licen[cs]e/i.test(f));
    const text = file ? readFileSync(join(dir, file), 'utf8').trim() : '';
    entries.set(`${name} ${version}`, `${name} ${version}\n${license ?? ''}\n${text}\n`);
  }
  return [...entries.keys()]
    .sort()
    .map((key) => entries.get(key))
    .join('\n');
}

/** Puts `contents` at `file` in one step (see the top), unless it is there already. */
function writeWhole(file: string, contents: Uint8Array): void {
  if (existsSync(file) && readFileSync(file).equals(contents)) return;
  const partial = `${file}.${process.pid}.tmp`;
  writeFileSync(partial, contents);
  renameSync(partial, file);
}

/** Builds `entry` (relative to the repository) into `outDir`, replacing the files there. */
export async function bundle(entry: string, outDir: string): Promise<void> {
  const staging = mkdtempSync(join(tmpdir(), 'zilliz-build-'));
  try {
    const out = join(staging, 'out');
    const stats = join(staging, 'stats.json');
    await ncc(['build', entry, '-o', out, '--minify', '--stats-out', stats, '--quiet']);
    writeFileSync(
      join(out, 'licenses.txt'),
      licenses(packageDirs(JSON.parse(readFileSync(stats, 'utf8')) as Stats)),
    );
    mkdirSync(outDir, { recursive: true });
    const built = readdirSync(out);
    for (const name of built) writeWhole(join(outDir, name), readFileSync(join(out, name)));
    // Files only: dist/ also holds the folders of the other actions.
    for (const old of readdirSync(outDir, { withFileTypes: true })) {
      if (old.isFile() && !built.includes(old.name)) rmSync(join(outDir, old.name));
    }
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
}

if (import.meta.main) {
  const wanted = process.argv.slice(2);
  const chosen = ACTIONS.filter((a) => wanted.length === 0 || wanted.includes(a.name));
  // Side by side: each build spends much of its time waiting on its own type check.
  await Promise.all(
    chosen.map(async (action) => {
      const started = Date.now();
      await bundle(action.entry, join(ROOT, action.bundleDir));
      const files = readdirSync(join(ROOT, action.bundleDir)).filter((f) => f.endsWith('.js'));
      const seconds = ((Date.now() - started) / 1000).toFixed(1);
      console.log(
        `built ${action.bundleDir}/ (${action.name}): ${files.join(', ')} in ${seconds} s`,
      );
    }),
  );
}
