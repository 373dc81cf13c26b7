// The restore action's entry point, as the runner starts it: `node dist/restore/index.js`.
// The boot module comes first: it sets up the process before any other module is loaded.
import '../core/boot.ts';
import { run } from './main.ts';

await run();
