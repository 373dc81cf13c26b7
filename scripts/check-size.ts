// Fails when the bundle grows past its budget: every dependency must earn its place in it.
import { statSync } from 'node:fs';
import { DIST } from './runner.ts';

export const BUDGET_BYTES = 1_400_000;
const size = statSync(DIST).size;
const verdict = size <= BUDGET_BYTES ? 'within' : 'OVER';
console.log(
  `dist/index.js: ${(size / 1e6).toFixed(3)} MB, ${verdict} the ${BUDGET_BYTES / 1e6} MB budget`,
);
if (size > BUDGET_BYTES) process.exitCode = 1;
