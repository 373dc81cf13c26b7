// Fails when a bundle grows past its budget: every dependency must earn its place in it.
import { statSync } from 'node:fs';
import { relative } from 'node:path';
import { ACTIONS, bundlePath, ROOT } from './actions.ts';

export const BUDGET_BYTES = 1_400_000;
for (const action of ACTIONS) {
  const path = bundlePath(action);
  const size = statSync(path).size;
  const verdict = size <= BUDGET_BYTES ? 'within' : 'OVER';
  console.log(
    `${relative(ROOT, path)} (${action.name}): ${(size / 1e6).toFixed(3)} MB, ${verdict} the ${BUDGET_BYTES / 1e6} MB budget`,
  );
  if (size > BUDGET_BYTES) process.exitCode = 1;
}
