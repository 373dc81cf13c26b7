// The prune action's entry point, as the runner starts it: `node dist/prune/index.js`.
import { run } from './main.ts';

await run();
