// The repository's own GitHub workflows: they parse, declare permissions, pin their actions, and
// the CI job that runs the action with `uses: ./` gives it only inputs action.yml defines.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { checkWorkflow, loadActions, ROOT } from './helpers/workflows.ts';

const action = loadActions();
const DIR = join(ROOT, '.github', 'workflows');
const read = (file: string): unknown => parse(readFileSync(join(DIR, file), 'utf8'));

describe('.github/workflows', () => {
  it('runs the action itself against the simulator in CI, with inputs and outputs of action.yml', () => {
    expect(
      checkWorkflow(read('ci.yml'), action, {
        requirePermissions: true,
        actionRef: './',
        keyFromSecret: false,
      }),
    ).toEqual([]);
  });

  it.each(readdirSync(DIR).filter((file) => file !== 'ci.yml'))(
    '%s pins its actions and declares permissions',
    (file) => {
      const problems = checkWorkflow(read(file), action, {
        requirePermissions: true,
        actionRef: './',
      });
      // check-dist does not run the action; everything else must be clean.
      expect(problems.filter((p) => !p.startsWith('no step uses'))).toEqual([]);
    },
  );
});
