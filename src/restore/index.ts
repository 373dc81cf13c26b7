// The restore action's entry point, as the runner starts it: `node dist/restore/index.js`.
import { run } from './main.ts';

await run();
