// `npm run build`: one bundle per action of the suite (scripts/actions.ts), with esbuild.
//
// What a bundle holds is what the action loads at every start, so the build keeps out whatever
// no code path uses (see docs/benchmarks.md for what that is worth):
//   - the @actions packages are declared free of side effects, so that only the functions we
//     call are kept (not @actions/core's OIDC client, which would pull in all of undici);
//   - `esbuildDetection` is the switch undici's own esbuild build uses to leave out its
//     experimental Milo HTTP parser (llhttp, the default, stays);
//   - the undici modules in LEFT_OUT are replaced by a stub that throws if it is ever reached.
//     These are private paths of undici: its version is pinned in package.json, and
//     __tests__/undici-paths.test.ts fails when an upgrade moves them.
import { build, type Metafile, type Plugin } from 'esbuild';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
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

/** undici modules (under node_modules/undici/lib/) that no code path of ours reaches, and why. */
export const LEFT_OUT: Readonly<Record<string, string>> = {
  'dispatcher/client-h2.js': 'HTTP/2: every dispatcher of src/core/http.ts has allowH2: false',
  'dispatcher/socks5-proxy-agent.js': 'SOCKS proxies: src/core/http.ts accepts http(s):// only',
  'web/fetch/body.js': 'FormData request bodies: requests send JSON text',
  'web/fetch/formdata.js': 'FormData request bodies: requests send JSON text',
  'web/webidl/index.js': 'FormData request bodies: requests send JSON text',
};

const leaveOut: Plugin = {
  name: 'leave out unused undici modules',
  setup(b) {
    b.onLoad({ filter: /[\\/]node_modules[\\/]undici[\\/]lib[\\/]/ }, (args) => {
      const path = args.path.replace(/\\/g, '/').split('/node_modules/undici/lib/')[1] ?? '';
      const why = LEFT_OUT[path];
      if (!why) return undefined;
      // Loading it is harmless (client.js loads the HTTP/2 client at start); using it is a bug.
      const fail = `throw new Error(${JSON.stringify(`undici's ${path} is not in this bundle (${why})`)})`;
      return {
        contents: `module.exports = function leftOut() { ${fail} };`,
        loader: 'js',
      };
    });
  },
};

/** The licence texts of the packages bundled, as the licence terms ask for. */
function licenses(metafile: Metafile): string {
  const packages = new Set<string>();
  for (const input of Object.keys(metafile.inputs)) {
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
      logLevel: 'warning',
      define: { esbuildDetection: '1' },
      // The bundled CommonJS packages (undici) call require() for Node's own modules.
      banner: {
        js: "import{createRequire as __cr}from'node:module';const require=__cr(import.meta.url);",
      },
      plugins: [sideEffectFreeActionsPackages, leaveOut],
    });
    const dir = dirname(outfile);
    if (!existsSync(dir)) mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'licenses.txt'), licenses(result.metafile));
    // The bundle is an ES module wherever it is checked out.
    writeFileSync(join(dir, 'package.json'), '{\n  "type": "module"\n}\n');
    console.log(`built ${action.bundleDir}/index.js (${action.name})`);
  }
}

if (import.meta.main) await buildAll();
