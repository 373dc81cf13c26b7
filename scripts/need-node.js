// First step of every npm script (package.json), on whatever `node` is first on PATH: plain
// JavaScript, so that a missing install or an older Node gets one line saying what to run, not a
// stack trace (an older Node cannot load the .ts scripts, and the tools are not there before
// `npm ci`).
/* global process, console */
import { existsSync } from 'node:fs';

const major = Number(process.versions.node.split('.')[0]);
let problem;
if (!existsSync('node_modules/.package-lock.json')) {
  problem = 'The dependencies are not installed: run `npm ci` first';
} else if (major < 24) {
  problem =
    `This project runs on Node 24, but the node first on PATH is ${process.version}: ` +
    'run `npm ci` (without --ignore-scripts: it installs Node 24 into node_modules/.bin, ' +
    'which npm scripts use), or switch to Node 24 (see .node-version)';
}
if (problem) {
  console.error(`${problem}, then run this command again.`);
  process.exit(1);
}
