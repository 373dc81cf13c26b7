// Fails when a bundle grows past its budget: every dependency must earn its place in it, and
// what a bundle holds is loaded at every start of the action (see docs/benchmarks.md).
import { statSync } from 'node:fs';
import { relative } from 'node:path';
import { ACTIONS, bundlePath, ROOT } from './actions.ts';

export const BUDGET_BYTES = 500_000;
for (const action of ACTIONS) {
  const path = bundlePath(action);
  const size = statSync(path).size;
  const verdict = size <= BUDGET_BYTES ? 'within' : 'OVER';
  console.log(
    `${relative(ROOT, path)} (${action.name}): ${(size / 1e3).toFixed(0)} KB, ${verdict} the ${BUDGET_BYTES / 1e3} KB budget`,
  );
  if (size > BUDGET_BYTES) process.exitCode = 1;
}
