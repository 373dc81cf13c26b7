// Vitest's global setup: builds the bundles (dist/) once per Vitest run, before any test file
// starts, with the project's build script (`npm run build` runs `node scripts/build.ts`). Many
// tests spawn the bundles as a runner does; this way they run what src/ holds now, whether the
// run is `npm test` or `npx vitest run __tests__/<file>`. In watch mode, again before each re-run.
// The build puts each file into place whole (scripts/build.ts), so a test of another Vitest run
// in this checkout never starts half a bundle.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { ROOT } from '../../scripts/actions.ts';

async function buildBundles(): Promise<void> {
  const child = spawn(process.execPath, [join(ROOT, 'scripts', 'build.ts')], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const code = await new Promise<number | null>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', resolve);
  });
  if (code !== 0) {
    throw new Error(`the build (node scripts/build.ts) exited with code ${code}:\n${output}`);
  }
}

export default async function setup(project: TestProject): Promise<void> {
  await buildBundles();
  project.onTestsRerun(buildBundles);
}
