// The workflows in examples/ are meant to be copied as they are: they must parse, use only the
// inputs and outputs action.yml defines, declare permissions, pin their actions, and their
// shell scripts must at least be valid bash.
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import {
  ACTION_REF,
  checkWorkflow,
  loadAction,
  loadSuite,
  ROOT,
  runScripts,
} from './helpers/workflows.ts';

const action = loadAction();
const suite = loadSuite();
const DIR = join(ROOT, 'examples');
const files = readdirSync(DIR).filter((file) => /\.ya?ml$/.test(file));
const read = (file: string): string => readFileSync(join(DIR, file), 'utf8');

describe('examples/', () => {
  it('has the documented workflows, each linked once from the README', () => {
    expect(files.sort()).toEqual([
      'backup-before-migration.yml',
      'collection-backup-before-ddl.yml',
      'matrix-clusters.yml',
      'prune-after-deploy.yml',
      'prune-nightly.yml',
      'restore-on-failure.yml',
      'rollback.yml',
    ]);
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    for (const file of files) {
      expect(readme.split(`(examples/${file})`).length - 1, `links to ${file}`).toBe(1);
    }
  });

  describe.each(files)('%s', (file) => {
    const workflow: unknown = parse(read(file), { prettyErrors: true });

    it('uses only inputs and outputs of the actions it uses, has permissions and pinned actions', () => {
      expect(checkWorkflow(workflow, suite, { requirePermissions: true })).toEqual([]);
    });

    it('starts with a comment that says what it does, and how to reference the action', () => {
      expect(read(file)).toMatch(/^# \S/);
      expect(read(file)).toContain('replace <owner> with the account that hosts this action');
    });

    it.each(runScripts(workflow))(
      '$where: takes values through env:, not ${{ }} in run:',
      ({ script }) => {
        expect(script).not.toContain('${{');
      },
    );

    it.each(runScripts(workflow))(
      '$where: a table it writes to the job summary starts with a header row',
      ({ script }) => {
        // The lines the script echoes, tables among them. A table's first row must be followed
        // by a delimiter row (| --- |), or GitHub shows the pipes as text.
        const echoed = [...script.matchAll(/^\s*echo\s+(["'])(.*)\1/gm)].map((m) => m[2] ?? '');
        echoed.forEach((line, i) => {
          const startsTable = line.startsWith('|') && !echoed[i - 1]?.startsWith('|');
          if (startsTable) expect(echoed[i + 1], `after ${line}`).toMatch(/^\|( *:?-+:? *\|)+$/);
        });
      },
    );

    it.each(runScripts(workflow))('$where: the script is valid bash', ({ script }) => {
      const checked = spawnSync('bash', ['-n'], {
        input: script.replace(/\$\{\{[^}]*\}\}/g, 'EXPRESSION'),
        encoding: 'utf8',
      });
      expect(checked.stderr).toBe('');
      expect(checked.status).toBe(0);
    });
  });

  it('gates the migration on the backup (needs: and if:)', () => {
    const text = read('backup-before-migration.yml');
    expect(text).toContain('needs: backup');
    expect(text).toContain("if: needs.backup.outputs.status == 'SUCCESSFUL'");
  });

  it('records the backup id of a collection backup in the summary and on the pull request', () => {
    const text = read('collection-backup-before-ddl.yml');
    expect(text).toContain('backup-type: COLLECTION');
    expect(text).toContain('>> "$GITHUB_STEP_SUMMARY"');
    expect(text).toContain('gh pr comment');
    expect(text).toContain('pull-requests: write');
  });

  it('backs up several clusters with a matrix', () => {
    const workflow = parse(read('matrix-clusters.yml')) as {
      jobs: { backup: { strategy: { matrix: { include: unknown[] } } } };
    };
    expect(workflow.jobs.backup.strategy.matrix.include.length).toBeGreaterThan(1);
  });

  it('restores from the backup with the restore action when a later step fails', () => {
    const text = read('restore-on-failure.yml');
    expect(text).toContain("if: failure() && steps.backup.outputs.backupId != ''");
    expect(text).toContain('uses: <owner>/zilliz-backup-action/restore@v1');
    expect(text).toContain('backup-id: ${{ steps.backup.outputs.backupId }}');
    expect(text).not.toContain('curl');
  });

  it('rolls back by hand to a deploy (a SHA, or last-successful by default), or from a backup id', () => {
    const workflow = parse(read('rollback.yml')) as {
      on: {
        workflow_dispatch: { inputs: Record<string, { required?: boolean; default?: string }> };
      };
      permissions: Record<string, string>;
      jobs: { rollback: { steps: { uses?: string; with?: Record<string, string> }[] } };
    };
    const inputs = workflow.on.workflow_dispatch.inputs;
    expect(inputs.from?.default).toBe('last-successful');
    expect(inputs['backup-id']?.required).toBe(false);
    expect(workflow.permissions).toEqual({ contents: 'read', deployments: 'read' });
    const step = workflow.jobs.rollback.steps.find((s) => s.uses?.includes('/restore@'));
    expect(step?.with).toMatchObject({
      'backup-id': '${{ inputs.backup-id }}',
      from: "${{ inputs.backup-id == '' && inputs.from || '' }}",
      ledger: "${{ inputs.backup-id == '' && 'production' || '' }}",
    });
  });

  it('records the backup before a migration in the ledger, with the permission it needs', () => {
    const workflow = parse(read('backup-before-migration.yml')) as {
      permissions: Record<string, string>;
      jobs: { backup: { steps: { with?: Record<string, string> }[] } };
    };
    expect(workflow.permissions.deployments).toBe('write');
    expect(workflow.jobs.backup.steps[0]?.with?.ledger).toBe('production');
  });

  it('prunes after a successful backup, in the same scope, protecting the new backup', () => {
    const workflow = parse(read('prune-after-deploy.yml')) as {
      jobs: { deploy: { steps: { id?: string; if?: string; with?: Record<string, string> }[] } };
    };
    const steps = workflow.jobs.deploy.steps;
    const backup = steps.find((step) => step.id === 'backup');
    const prune = steps.find((step) => step.id === 'prune');
    expect(prune?.if).toBe("steps.backup.outputs.status == 'SUCCESSFUL'");
    expect(prune?.with?.protect).toBe('${{ steps.backup.outputs.backupId }}');
    for (const input of ['backup-type', 'database', 'collections']) {
      expect(prune?.with?.[input], input).toBe(backup?.with?.[input]);
    }
  });

  it('prunes nightly on a schedule, capped, with older-than', () => {
    const workflow = parse(read('prune-nightly.yml')) as {
      on: { schedule: { cron: string }[] };
      jobs: { prune: { steps: { with?: Record<string, string> }[] } };
    };
    expect(workflow.on.schedule[0]?.cron).toMatch(/^\S+ \S+ \* \* \*$/);
    expect(workflow.jobs.prune.steps[0]?.with).toMatchObject({
      'older-than': '30d',
      'max-deletions': 50,
    });
  });
});

describe('the workflow check', () => {
  const workflow = (step: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
    permissions: {},
    jobs: {
      backup: {
        steps: [{ id: 'backup', uses: ACTION_REF, ...step }],
        outputs: { id: '${{ steps.backup.outputs.backupId }}' },
      },
      ...extra,
    },
  });
  const key = { 'api-key': '${{ secrets.ZILLIZ_API_KEY }}', 'cluster-id': 'in01-1' };

  it('accepts a correct workflow', () => {
    expect(checkWorkflow(workflow({ with: key }), action, { requirePermissions: true })).toEqual(
      [],
    );
  });

  it('reports unknown inputs and outputs, missing inputs, literal keys and permissions', () => {
    const bad = {
      jobs: {
        backup: {
          steps: [
            { uses: 'actions/checkout@main' },
            {
              id: 'backup',
              uses: 'someone/zilliz-backup-action@v1',
              with: { 'api-key': 'sk-live-123', 'backup-name': 'x' },
            },
            { run: 'echo ${{ steps.backup.outputs.backup-id }} ${{ steps.other.outputs.x }}' },
          ],
        },
        deploy: { needs: 'backup', steps: [{ run: 'echo ${{ needs.backup.outputs.id }}' }] },
      },
    };
    expect(checkWorkflow(bad, action, { requirePermissions: true })).toEqual([
      'no top-level permissions:',
      'backup.steps[0]: actions/checkout@main is not pinned',
      `backup.steps[1]: uses someone/zilliz-backup-action@v1, not ${ACTION_REF}`,
      'backup.steps[1]: unknown input backup-name',
      'backup.steps[1]: required cluster-id missing',
      'backup.steps[1]: api-key must come from a secret (${{ secrets.NAME }})',
      'backup: steps.backup.outputs.backup-id is not an output of the action',
      'backup: steps.other is not a step id of this job',
      'deploy: needs.backup.outputs.id is not an output of backup',
    ]);
  });

  it('checks the prune action against its own action.yml', () => {
    const prune = {
      permissions: {},
      jobs: {
        clean: {
          steps: [
            {
              id: 'prune',
              uses: '<owner>/zilliz-backup-action/prune@v1',
              with: { ...key, 'keep-last': 5, wait: 'true' },
            },
            {
              run: 'echo ${{ steps.prune.outputs.deletedCount }} ${{ steps.prune.outputs.backupId }}',
            },
          ],
        },
      },
    };
    expect(checkWorkflow(prune, suite, { requirePermissions: true })).toEqual([
      'clean.steps[0]: unknown input wait',
      'clean: steps.prune.outputs.backupId is not an output of the action',
    ]);
  });

  it('checks each action of the suite against its own action.yml', () => {
    const restoreRef = ACTION_REF.replace('@', '/restore@');
    const steps = {
      permissions: {},
      jobs: {
        deploy: {
          steps: [
            { id: 'backup', uses: ACTION_REF, with: { ...key, 'backup-id': 'x' } },
            {
              id: 'restore',
              uses: restoreRef,
              with: { 'api-key': key['api-key'], 'backup-type': 'CLUSTER' },
            },
            { run: 'echo ${{ steps.backup.outputs.jobIds }} ${{ steps.restore.outputs.jobIds }}' },
            { uses: ACTION_REF.replace('@', '/prune-all@') },
          ],
        },
      },
    };
    expect(checkWorkflow(steps, suite, { requirePermissions: true })).toEqual([
      'deploy.steps[0]: unknown input backup-id',
      'deploy.steps[1]: unknown input backup-type',
      'deploy.steps[1]: required cluster-id missing',
      `deploy.steps[3]: uses <owner>/zilliz-backup-action/prune-all@v1, not ${[...suite.keys()].join(' or ')}`,
      'deploy: steps.backup.outputs.jobIds is not an output of the action',
    ]);
  });

  it('reports needs.<job>.outputs of a job that is not needed', () => {
    const extra = { deploy: { steps: [{ run: 'echo ${{ needs.backup.outputs.id }}' }] } };
    expect(
      checkWorkflow(workflow({ with: key }, extra), action, { requirePermissions: true }),
    ).toEqual(['deploy: needs.backup but backup is not in needs']);
  });
});
