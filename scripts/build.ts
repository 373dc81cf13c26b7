// `npm run build`: one bundle per action of the suite (scripts/actions.ts), each with ncc.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { ACTIONS, ROOT } from './actions.ts';

const NCC = join(ROOT, 'node_modules', '.bin', 'ncc');

function build(entry: string, outDir: string): Promise<void> {
  const args = ['build', entry, '-o', outDir, '--minify', '--license', 'licenses.txt', '--quiet'];
  return new Promise((resolve, reject) => {
    const child = spawn(NCC, args, { cwd: ROOT, stdio: 'inherit' });
    child.on('error', reject);
    child.on('close', (code) =>
      code === 0 ? resolve() : reject(new Error(`ncc ${args.join(' ')} exited with ${code}`)),
    );
  });
}

for (const action of ACTIONS) {
  await build(action.entry, action.bundleDir);
  console.log(`built ${action.bundleDir}/index.js (${action.name})`);
}
