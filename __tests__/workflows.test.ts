// The repository's own GitHub workflows: they parse, declare permissions, pin their actions, and
// the CI job that runs the actions with `uses: ./` (or `./restore` …) gives each only inputs its
// action.yml defines.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { checkWorkflow, loadSuite, ROOT } from './helpers/workflows.ts';

// Each action of the suite as the repository's own workflows use it: ./, ./restore …
const suite = loadSuite(true);
const DIR = join(ROOT, '.github', 'workflows');
const read = (file: string): unknown => parse(readFileSync(join(DIR, file), 'utf8'));

describe('.github/workflows', () => {
  it('runs the action itself against the simulator in CI, with inputs and outputs of action.yml', () => {
    expect(
      checkWorkflow(read('ci.yml'), suite, {
        requirePermissions: true,
        keyFromSecret: false,
      }),
    ).toEqual([]);
  });

  it.each(readdirSync(DIR).filter((file) => file !== 'ci.yml'))(
    '%s pins its actions and declares permissions',
    (file) => {
      const problems = checkWorkflow(read(file), suite, {
        requirePermissions: true,
      });
      // check-dist does not run the action; everything else must be clean.
      expect(problems.filter((p) => !p.startsWith('no step uses'))).toEqual([]);
    },
  );
});
