// `npm run build`: one bundle per action of the suite (scripts/actions.ts), with esbuild.
//
// Every file goes into place whole: written beside its target, then renamed over it, and only
// when its content changed. The tests build before they run (another `npx vitest run` may be
// spawning the bundles of this checkout at that moment), and a process that starts a bundle
// reads the old file or the new one, never half of one.
//
// What a bundle holds is what the action loads at every start, so the build keeps out whatever
// no code path uses (see docs/benchmarks.md for what that is worth):
//   - the @actions packages are declared free of side effects, so that only the functions we
//     call are kept (not @actions/core's OIDC client, which would pull in its HTTP client and
//     all of undici).
import { build, type Metafile, type Plugin } from 'esbuild';
import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join } from 'node:path';
import { ACTIONS, bundlePath, ROOT } from './actions.ts';

const sideEffectFreeActionsPackages: Plugin = {
  name: 'side-effect-free @actions packages',
  setup(b) {
    b.onResolve({ filter: /^@actions\// }, async (args) => {
      if (args.pluginData === 'resolving') return undefined;
      const resolved = await b.resolve(args.path, {
        kind: args.kind,
        resolveDir: args.resolveDir,
        importer: args.importer,
        pluginData: 'resolving',
      });
      return { ...resolved, sideEffects: false };
    });
  },
};

/**
 * The licence texts of the packages bundled, as the licence terms ask for: those with code in
 * the bundle (a package whose every module was shaken out is not shipped).
 */
function licenses(metafile: Metafile): string {
  const packages = new Set<string>();
  const inputs = Object.values(metafile.outputs).flatMap((output) =>
    Object.entries(output.inputs)
      .filter(([, used]) => used.bytesInOutput > 0)
      .map(([input]) => input),
  );
  for (const input of inputs) {
    const match = /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(input);
    if (match?.[1]) packages.add(match[1]);
  }
  return [...packages]
    .sort()
    .map((name) => {
      const dir = join(ROOT, 'node_modules', name);
      const { version, license } = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as {
        version: string;
        license?: string;
      };
      const file = readdirSync(dir).find((f) => /^licen[cs]e/i.test(f));
      const text = file ? readFileSync(join(dir, file), 'utf8').trim() : '';
      return `${name} ${version}\n${license ?? ''}\n${text}\n`;
    })
    .join('\n');
}

/** Puts `contents` at `file` in one step (see the top), unless it is there already. */
function writeWhole(file: string, contents: string | Uint8Array): void {
  const data = Buffer.from(contents);
  if (existsSync(file) && readFileSync(file).equals(data)) return;
  mkdirSync(dirname(file), { recursive: true });
  const partial = `${file}.${process.pid}.tmp`;
  writeFileSync(partial, data);
  renameSync(partial, file);
}

async function buildAll(): Promise<void> {
  for (const action of ACTIONS) {
    const outfile = bundlePath(action);
    const result = await build({
      entryPoints: [join(ROOT, action.entry)],
      outfile,
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node24',
      minify: true,
      legalComments: 'none',
      metafile: true,
      write: false,
      logLevel: 'warning',
      plugins: [sideEffectFreeActionsPackages],
    });
    const dir = dirname(outfile);
    // The package.json first: the bundle is an ES module wherever it is checked out.
    writeWhole(join(dir, 'package.json'), '{\n  "type": "module"\n}\n');
    writeWhole(join(dir, 'licenses.txt'), licenses(result.metafile));
    for (const output of result.outputFiles) writeWhole(output.path, output.contents);
    console.log(`built ${action.bundleDir}/index.js (${action.name})`);
  }
}

if (import.meta.main) await buildAll();
