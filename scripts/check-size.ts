// Fails when a file of a bundle grows past its budget: every dependency must earn its place in
// it, and what `index.js` holds is loaded at every start of the action (see docs/benchmarks.md).
// Every JavaScript file of an action's folder is checked: `index.js` and the chunks beside it
// that a dynamic import loads (`<id>.index.js`, see scripts/build.ts).
import { readdirSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { ACTIONS, bundlePath, ROOT } from './actions.ts';

export const BUDGET_BYTES = 1_500_000;

/** index.js, then the chunks beside it. */
export function bundleFiles(bundle: string): string[] {
  const chunks = readdirSync(dirname(bundle))
    .filter((name) => /^\d+\.index\.js$/.test(name))
    .sort()
    .map((name) => join(dirname(bundle), name));
  return [bundle, ...chunks];
}

if (import.meta.main) {
  for (const action of ACTIONS) {
    for (const path of bundleFiles(bundlePath(action))) {
      const size = statSync(path).size;
      const verdict = size <= BUDGET_BYTES ? 'within' : 'OVER';
      console.log(
        `${relative(ROOT, path)} (${action.name}): ${(size / 1e3).toFixed(0)} KB, ${verdict} the ${BUDGET_BYTES / 1e6} MB budget`,
      );
      if (size > BUDGET_BYTES) process.exitCode = 1;
    }
  }
}
