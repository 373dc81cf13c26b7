// First step of `npm start` and `npm test`, on whatever `node` is first on PATH: plain JavaScript,
// so that an older Node prints one line saying what to run instead of a loader error.
/* global process, console */
const major = Number(process.versions.node.split('.')[0]);
if (major < 24) {
  console.error(
    `This project runs on Node 24, but the node first on PATH is ${process.version}: ` +
      'run `npm ci` (it installs Node 24 into node_modules/.bin, which npm scripts use), ' +
      'or switch to Node 24 (see .node-version).',
  );
  process.exit(1);
}
