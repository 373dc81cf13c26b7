// dist/restore/index.js spawned exactly as the runner spawns it (scripts/runner.ts): INPUT_*
// variables, GITHUB_OUTPUT and GITHUB_STEP_SUMMARY files, a clean environment, the exit code.
import { describe, expect, it } from 'vitest';
import { actionNamed, bundlePath } from '../scripts/actions.ts';
import type { Inputs } from '../scripts/runner.ts';
import { expectExit, runBundled } from './helpers/children.ts';
import { BUSY_MS } from './helpers/timing.ts';
import { DEFAULT_CLUSTER_ID, DEFAULT_PROJECT_ID } from '../simulator/server.ts';
import { jsonReply, useSimulator } from './helpers/sim.ts';

const bundle = bundlePath(actionNamed('restore'));
const BACKUP = 'backup5_00aa11bb22cc33d';
const CLUSTER_BACKUP = 'backup6_44ee55ff66aa77b';

const sim = useSimulator({
  restoreJobDurationMs: 1_200,
  collectionsField: 'dbCollections',
  existingBackups: [
    {
      backupId: BACKUP,
      backupType: 'COLLECTION',
      creationMethod: 'MANUAL',
      collections: [{ dbName: 'shop', collectionNames: ['orders', 'items'] }],
    },
    { backupId: CLUSTER_BACKUP, backupType: 'CLUSTER', creationMethod: 'MANUAL' },
  ],
});

const inputs = (extra: Inputs = {}): Inputs => ({
  'api-key': sim().apiKey,
  'cluster-id': DEFAULT_CLUSTER_ID,
  'base-url': sim().url,
  'backup-id': BACKUP,
  ...extra,
});

/** Everything a person can read: stdout without the runner's own ::add-mask:: lines. */
const visible = (stdout: string): string => stdout.replace(/^::add-mask::.*$/gm, '');

describe('the bundled restore action', () => {
  it('restores the collections, writes outputs and the summary, and exits 0', async () => {
    const result = await runBundled(inputs({ timeout: '1m' }), { bundle });
    expect(result.stderr).toBe('');
    expectExit(result, 0);
    const jobs = sim()
      .jobs()
      .filter((j) => j.type === 'RESTORE');
    expect(jobs).toHaveLength(2);
    expect(result.outputs.status).toBe('SUCCESSFUL');
    expect(JSON.parse(result.outputs.jobIds ?? '')).toEqual(jobs.map((j) => j.jobId));
    expect(JSON.parse(result.outputs.restored ?? '')).toEqual([
      {
        database: 'shop',
        source: 'orders',
        target: 'orders_restored',
        jobId: jobs[0]?.jobId,
        status: 'SUCCESSFUL',
        verified: 'yes',
        rowCount: '80000',
      },
      {
        database: 'shop',
        source: 'items',
        target: 'items_restored',
        jobId: jobs[1]?.jobId,
        status: 'SUCCESSFUL',
        verified: 'yes',
        rowCount: '1200',
      },
    ]);
    expect(result.summary).toContain('<td>items → items_restored</td>');
    expect(result.stdout).toContain('::notice title=Zilliz Cloud restore::');
    expect(visible(result.stdout)).not.toContain(sim().apiKey);
  });

  it('fails on bad input with an ::error:: line naming every problem, before any request', async () => {
    const result = await runBundled(inputs({ 'backup-id': '', wait: 'maybe' }), { bundle });
    expectExit(result, 1);
    expect(result.stdout).toContain('::error::Invalid inputs:');
    expect(result.stdout).toContain('backup-id: is required');
    expect(result.stdout).toContain('wait: "maybe" is not a boolean');
    expect(sim().requests).toHaveLength(0);
  });

  it('restores a cluster backup: the password is an output, and never in the log, summary or annotations', async () => {
    const result = await runBundled(
      inputs({
        'backup-id': CLUSTER_BACKUP,
        'project-id': DEFAULT_PROJECT_ID,
        'cluster-name': 'rollback-7',
        'cu-size': '2',
      }),
      { bundle },
    );
    expectExit(result, 0);
    const password = result.outputs.password ?? '';
    expect(password.length).toBeGreaterThan(8);
    const [clusterId] =
      Object.entries(sim().clusters()).find(([, c]) => c.name === 'rollback-7') ?? [];
    expect(result.outputs).toMatchObject({ clusterId, username: 'db_admin', status: 'SUCCESSFUL' });
    // Masked for the runner before anything else could print it …
    expect(result.stdout).toContain(`::add-mask::${password}`);
    // … and never printed or written anywhere a person reads.
    expect(visible(result.stdout)).not.toContain(password);
    expect(result.summary).not.toContain(password);
    expect(result.summary).toContain(`<td>${clusterId}</td>`);
  });

  it('redacts the password even where the server quotes it back', async () => {
    const password = 'S3cret-Pass-2026';
    sim().configure({
      faults: [
        jsonReply('restoreCluster', {
          code: 0,
          data: {
            clusterId: 'in01-0f0f0f0f0f0f0f0',
            username: 'db_admin',
            password,
            jobId: 'job-quoted0000000000000000',
          },
        }),
        jsonReply('describeJob', {
          code: 0,
          data: {
            jobId: 'job-quoted0000000000000000',
            status: 'FAILED',
            progress: '10',
            reason: `user db_admin / ${password} <b>rejected</b>`,
          },
        }),
      ],
    });
    const result = await runBundled(
      inputs({
        'backup-id': CLUSTER_BACKUP,
        'project-id': DEFAULT_PROJECT_ID,
        'cluster-name': 'rollback-8',
        'cu-size': '1',
      }),
      { bundle },
    );
    expectExit(result, 1);
    const addMask = result.stdout.indexOf(`::add-mask::${password}`);
    expect(addMask).toBeGreaterThan(-1);
    expect(visible(result.stdout)).not.toContain(password);
    expect(result.stdout).toMatch(/::error::.*user db_admin \/ \*\*\* <b>rejected<\/b>/);
    expect(result.summary).not.toContain(password);
    expect(result.summary).toContain('user db_admin / *** &lt;b&gt;rejected&lt;/b&gt;');
    expect(result.outputs).toMatchObject({ clusterId: 'in01-0f0f0f0f0f0f0f0', status: 'FAILED' });
  });

  it('does not outlive its timeout when the server accepts and never answers', async () => {
    sim().configure({ faults: [{ route: '*', kind: 'hang', times: 1_000 }] });
    const result = await runBundled(inputs({ timeout: '3s' }), { bundle });
    expectExit(result, 1);
    expect(result.stdout).toMatch(/::error::.*3s timeout passed/);
    // From the step's start (its first output) to its exit: the deadline, and the busy-machine
    // margin. A step saved only by its watchdog would take 5 s more, a hung request 30 s.
    expect(result.sinceFirstOutputMs).toBeLessThan(3_000 + BUSY_MS);
  });

  it('when cancelled, names the restore job already started and exits 1', async () => {
    sim().configure({ restoreJobDurationMs: 60_000 });
    const result = await runBundled(inputs(), {
      bundle,
      onOutput: { text: 'Started the restore', then: (pid) => process.kill(pid, 'SIGTERM') },
    });
    expectExit(result, 1);
    const [job] = sim()
      .jobs()
      .filter((j) => j.type === 'RESTORE');
    expect(result.stdout).toContain(
      `The runner stopped the step: started: orders_restored (job ${job?.jobId})`,
    );
    expect(JSON.parse(result.outputs.jobIds ?? '')).toEqual([job?.jobId]);
    expect(result.summary).toContain('Step cancelled');
  });
});
