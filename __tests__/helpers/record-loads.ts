// Preloaded into a bundle's process (NODE_OPTIONS=--import=…) by the tests that check what a run
// loads: appends the URL of every module the process loads, one a line, to the file named by
// RECORD_LOADS_TO. The hook sees ES module imports (static and dynamic) and require() alike.
import { appendFileSync } from 'node:fs';
import { registerHooks } from 'node:module';

const file = process.env.RECORD_LOADS_TO;
if (file) {
  registerHooks({
    load(url, context, nextLoad) {
      appendFileSync(file, `${url}\n`);
      return nextLoad(url, context);
    },
  });
}
