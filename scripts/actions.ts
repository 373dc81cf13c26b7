// The actions of the suite, in one place: where each one's metadata, entry and bundle live.
// Used by the build, the size check, the runner and the tests.
import { join } from 'node:path';

export const ROOT = join(import.meta.dirname, '..');

export interface SuiteAction {
  name: 'backup' | 'restore' | 'prune';
  /** action.yml, relative to the repository root. */
  metadata: string;
  /** The TypeScript entry that the bundle is built from. */
  entry: string;
  /** The folder the build writes the bundle to; the runner starts `<bundleDir>/index.js`. */
  bundleDir: string;
}

export const ACTIONS: readonly SuiteAction[] = [
  // The root action.yml stays the backup action, and its bundle stays at dist/index.js.
  { name: 'backup', metadata: 'action.yml', entry: 'src/backup/index.ts', bundleDir: 'dist' },
  {
    name: 'restore',
    metadata: 'restore/action.yml',
    entry: 'src/restore/index.ts',
    bundleDir: 'dist/restore',
  },
  {
    name: 'prune',
    metadata: 'prune/action.yml',
    entry: 'src/prune/index.ts',
    bundleDir: 'dist/prune',
  },
];

export function bundlePath(action: SuiteAction): string {
  return join(ROOT, action.bundleDir, 'index.js');
}

export function actionNamed(name: SuiteAction['name']): SuiteAction {
  const action = ACTIONS.find((a) => a.name === name);
  if (!action) throw new Error(`no action named ${name} in scripts/actions.ts`);
  return action;
}
