// dist/index.js spawned exactly as the runner spawns it: INPUT_* variables, GITHUB_OUTPUT and
// GITHUB_STEP_SUMMARY files, a clean environment, the exit code.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_CLUSTER_ID, startSimulator, type Simulator } from '../simulator/server.ts';
import type { Inputs } from '../scripts/runner.ts';
import { expectExit, runBundled } from './helpers/children.ts';
import { BUSY_MS } from './helpers/timing.ts';
import pkg from '../package.json' with { type: 'json' };

let sim: Simulator;
beforeEach(async () => {
  sim = await startSimulator({ scenario: { jobDurationMs: 1_500 } });
});
afterEach(async () => {
  await sim.close();
});

const inputs = (extra: Inputs = {}): Inputs => ({
  'api-key': sim.apiKey,
  'cluster-id': DEFAULT_CLUSTER_ID,
  'base-url': sim.url,
  ...extra,
});

describe('the bundled action', () => {
  it('backs up, writes outputs and the summary, and exits 0', async () => {
    const result = await runBundled(inputs({ timeout: '1m' }));
    expect(result.stderr).toBe('');
    expectExit(result, 0);
    const [backup] = sim.backups();
    expect(result.outputs).toMatchObject({
      backupId: backup?.backupId,
      backupName: backup?.backupName,
      jobId: sim.jobs()[0]?.jobId,
      status: 'SUCCESSFUL',
    });
    expect(Number(result.outputs.backupSize)).toBeGreaterThan(0);
    expect(result.summary).toContain(`<td>${backup?.backupId}</td>`);
    expect(result.stdout).toContain('::notice title=Zilliz Cloud backup::');
    expect(result.stdout.split(`::add-mask::${sim.apiKey}`).join('')).not.toContain(sim.apiKey);
    const userAgent = String(sim.requests[0]?.headers['user-agent']);
    expect(userAgent.startsWith(`zilliz-backup-action/${pkg.version} (node v`)).toBe(true);
  });

  it('fails with exit code 1 and an ::error:: line on bad input, before any request', async () => {
    const result = await runBundled(inputs({ 'backup-type': 'COLLECTION' }));
    expectExit(result, 1);
    expect(result.stdout).toContain(
      '::error::Invalid input: collections: is required when backup-type is COLLECTION',
    );
    expect(sim.requests).toHaveLength(0);
  });

  it('fails a bad API key at once, and exits', async () => {
    const result = await runBundled(inputs({ 'api-key': 'not-the-key' }));
    expectExit(result, 1);
    expect(result.stdout).toMatch(/::error::.*21119: The apikey is illegal/);
    expect(result.stdout).toContain('The API key was refused');
    expect(sim.requests).toHaveLength(1);
    // One loopback request, then exit. A retry delay (0.25 s and more) would show in the
    // requests; a process held open by its idle connection would take the simulator's 5 s
    // keep-alive timeout. Node's start is left out (see sinceFirstOutputMs).
    expect(result.sinceFirstOutputMs).toBeLessThan(BUSY_MS);
  });

  it('does not outlive its timeout when the server accepts and never answers', async () => {
    sim.configure({ faults: [{ route: '*', kind: 'hang', times: 1_000 }] });
    const result = await runBundled(inputs({ timeout: '3s' }));
    expectExit(result, 1);
    expect(result.stdout).toMatch(/::error::.*3s timeout passed/);
    // From the step's start (its first output) to its exit: the deadline, and the busy-machine
    // margin. A step saved only by its watchdog would take 5 s more, a hung request 30 s.
    expect(result.sinceFirstOutputMs).toBeLessThan(3_000 + BUSY_MS);
  });

  it.each(['SIGINT', 'SIGTERM'] as const)(
    'when cancelled (%s), logs the ids, says the backup goes on, writes the summary and exits 1',
    async (signal) => {
      sim.configure({ jobDurationMs: 60_000 });
      let signalledAt = 0;
      const result = await runBundled(inputs(), {
        onOutput: {
          text: 'Started backup',
          then: (pid) => {
            signalledAt = performance.now();
            process.kill(pid, signal);
          },
        },
      });
      const exitedAfter = performance.now() - signalledAt;
      expectExit(result, 1);
      // It reports and exits at once: a report that hung would be cut off only after 3 s
      // (REPORT_LIMIT_MS), the job would run 60 s. Report and exit take a few ms; the rest is
      // margin for a busy machine (its worst stall measured: 1.8 s).
      expect(exitedAfter).toBeLessThan(2_500);
      const [backup] = sim.backups();
      expect(result.stdout).toContain(
        `The runner stopped the step: backup ${backup?.backupName} (${backup?.backupId}), job ${sim.jobs()[0]?.jobId}`,
      );
      expect(result.stdout).toContain('The backup goes on in Zilliz Cloud.');
      expect(result.outputs.backupId).toBe(backup?.backupId);
      expect(result.outputs.status).toBe('STARTED');
      expect(result.summary).toContain('Step cancelled');
    },
  );
});
