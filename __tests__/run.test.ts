// run() end to end in this process, against the simulator over real HTTP.
import { describe, expect, it } from 'vitest';
import { DEFAULT_CLUSTER_ID, simulatorNow } from '../simulator/server.ts';
import { runInProcess } from './helpers/inprocess.ts';
import { jsonReply, useSimulator } from './helpers/sim.ts';
import { BUSY_MS, until } from './helpers/timing.ts';

const sim = useSimulator({ jobDurationMs: 400 });

const requests = (route: string) => sim().requests.filter((r) => r.route === route);

describe('a cluster backup', () => {
  it('creates, waits, and sets every output', async () => {
    // A job long enough to be seen running (checks every 50 ms here) on a busy machine, whose
    // stalls stay far below that.
    sim().configure({ jobDurationMs: 1_500 });
    const result = await runInProcess(sim(), {});
    expect(result.failed).toBe(false);
    const [backup] = sim().backups();
    expect(sim().backups()).toHaveLength(1);
    expect(result.outputs).toEqual({
      backupId: backup?.backupId,
      backupName: backup?.backupName,
      jobId: sim().jobs()[0]?.jobId,
      status: 'SUCCESSFUL',
      backupSize: String(backup?.size),
      // The published examples' flat form names no database.
      collections: JSON.stringify([{ collectionNames: ['orders', 'items', 'users'] }]),
    });
    expect(requests('createBackup')[0]?.body).toEqual({ backupType: 'CLUSTER' });
    expect(requests('describeJob').length).toBeGreaterThan(1);
    expect(result.stdout).toMatch(/Job job-\S+: IN_PROGRESS \d+% \(/);
    expect(result.stdout).toContain(
      `::notice title=Zilliz Cloud backup::Zilliz Cloud backup ${backup?.backupName}`,
    );
  });

  it('writes a job summary with what a reviewer needs', async () => {
    const { summary } = await runInProcess(sim(), {});
    const [backup] = sim().backups();
    for (const text of [
      DEFAULT_CLUSTER_ID,
      'CLUSTER: whole cluster',
      backup?.backupId,
      backup?.backupName,
      sim().jobs()[0]?.jobId,
      'SUCCESSFUL',
      'bytes)',
      'Time taken',
    ]) {
      expect(summary).toContain(text);
    }
    expect(summary).not.toContain('What to do next');
  });

  it('with wait: false, creates and returns STARTED without polling', async () => {
    const result = await runInProcess(sim(), { wait: 'false' });
    expect(result.failed).toBe(false);
    expect(result.outputs.status).toBe('STARTED');
    expect(result.outputs.jobId).toMatch(/^job-/);
    expect(requests('describeJob')).toHaveLength(0);
    expect(result.summary).toContain('STARTED, still running (wait: false, not waited for)');
    expect(result.stdout).toContain('::notice title=Zilliz Cloud backup::');
    expect(result.stdout).toContain('still running');
  });

  it('says in a notice that a timeout without a unit is read as seconds', async () => {
    const result = await runInProcess(sim(), { timeout: '30' });
    expect(result.failed).toBe(false);
    expect(result.stdout).toContain(
      '::notice::timeout: "30" has no unit and is read as 30 seconds; add a unit for minutes or hours (e.g. 30m)',
    );
    const withUnit = await runInProcess(sim(), { timeout: '30m' });
    expect(withUnit.stdout).not.toContain('has no unit');
  });
});

describe('a collection backup', () => {
  it('sends one dbCollections entry with dbName when a database is given', async () => {
    const result = await runInProcess(sim(), {
      'backup-type': 'collection',
      collections: 'orders\nitems',
      database: 'shop',
    });
    expect(result.failed).toBe(false);
    expect(requests('createBackup')[0]?.body).toEqual({
      backupType: 'COLLECTION',
      dbCollections: [{ dbName: 'shop', collectionNames: ['orders', 'items'] }],
    });
    expect(result.summary).toContain('collections orders, items in database shop');
  });

  it('leaves dbName out for the default database, and sends cross-region copies', async () => {
    await runInProcess(sim(), {
      'backup-type': 'COLLECTION',
      collections: 'users',
      'copy-to-regions': 'aws-us-east-1',
    });
    expect(requests('createBackup')[0]?.body).toEqual({
      backupType: 'COLLECTION',
      dbCollections: [{ collectionNames: ['users'] }],
      crossRegionCopies: [{ regionId: 'aws-us-east-1' }],
    });
  });
});

describe('failures', () => {
  it('quotes the reason of a FAILED job, keeps the ids and says what to do', async () => {
    sim().configure({
      jobOutcome: 'FAILED',
      failureReason: 'Insufficient storage quota for backup.',
    });
    const result = await runInProcess(sim(), {});
    expect(result.failed).toBe(true);
    expect(result.outputs.status).toBe('FAILED');
    expect(result.outputs.backupId).toBe(sim().backups()[0]?.backupId);
    expect(result.outputs.jobId).toBe(sim().jobs()[0]?.jobId);
    expect(result.stdout).toMatch(
      /::error::backup job job-\S+ FAILED: Insufficient storage quota for backup\./,
    );
    expect(result.summary).toContain('What to do next');
  });

  it.each(['CANCELED', 'CANCELING'] as const)('reports a job %s as CANCELED', async (outcome) => {
    sim().configure({ jobOutcome: outcome });
    const result = await runInProcess(sim(), {});
    expect(result.failed).toBe(true);
    expect(result.outputs.status).toBe('CANCELED');
    expect(result.stdout).toMatch(/::error::backup job \S+ was cancelled/);
  });

  it('times out while waiting: TIMED_OUT, ids kept, within the timeout', async () => {
    sim().configure({ jobDurationMs: 60_000 });
    const result = await runInProcess(sim(), { timeout: '2s' });
    expect(result.failed).toBe(true);
    expect(result.outputs.status).toBe('TIMED_OUT');
    expect(result.outputs.backupId).toMatch(/^backup/);
    expect(result.outputs.jobId).toMatch(/^job-/);
    // The deadline ends the step; past it the request's own 30 s limit or the 60 s job would.
    expect(result.durationMs).toBeLessThan(2_000 + BUSY_MS);
    // Which of the deadline's messages depends on where it finds the step: the last check made
    // (as a rule), the wait for the next check or a request slot, or a request under way.
    expect(result.stdout).toMatch(
      /::error::.*2s timeout (ends before another check of job \S+ could be answered|would pass before|passed)/,
    );
    expect(result.summary).toContain('keeps running in Zilliz Cloud');
    expect(result.summary).toContain('A re-run waits for it to finish (if-in-progress: wait)');
    expect(result.summary).not.toContain('will be refused');
  });

  it('fails on an unknown cluster with code, message and request id, and no status', async () => {
    const result = await runInProcess(sim(), { 'cluster-id': 'in01-0000000000000' });
    expect(result.failed).toBe(true);
    expect(result.stdout).toMatch(/::error::.*80020: Invalid clusterId.*\(request id \S+\)/);
    expect(result.outputs).toEqual({});
    expect(requests('createBackup')).toHaveLength(0);
    expect(result.summary).toContain('not its name');
    // Our own advice is escaped like server text: no autolink.
    expect(result.summary).toContain('base-url: https&#58;//api.cloud.zilliz.com.cn');
  });

  it('fails on a Serverless cluster with advice', async () => {
    const result = await runInProcess(sim(), { 'cluster-id': 'in03-5e2b7f0a9c4d1e6' });
    expect(result.stdout).toContain('80021');
    expect(result.stdout).toContain('Backups exist only for Dedicated clusters');
  });

  it('rejects bad input before any request', async () => {
    const result = await runInProcess(sim(), { wait: 'sometimes' });
    expect(result.failed).toBe(true);
    expect(result.stdout).toContain('::error::Invalid input: wait: "sometimes" is not a boolean');
    expect(sim().requests).toHaveLength(0);
  });

  it('never prints the API key, not even when the server echoes it', async () => {
    sim().configure({
      faults: [
        {
          route: 'createBackup',
          kind: 'businessError',
          code: 80000,
          message: `Incorrect parameter: token ${sim().apiKey}`,
        },
      ],
    });
    const result = await runInProcess(sim(), {});
    expect(result.failed).toBe(true);
    expect(result.stdout).toContain('Incorrect parameter: token ***');
    const masked = result.stdout.replace(`::add-mask::${sim().apiKey}`, '');
    expect(masked).not.toContain(sim().apiKey);
    expect(result.summary).toContain('token ***');
    expect(result.summary).not.toContain(sim().apiKey);
  });

  it('waits for a backup that is still CREATING after its job succeeded', async () => {
    // CREATING long enough to be seen after the job's end, on a busy machine too.
    sim().configure({ availableDelayMs: 1_500 });
    const result = await runInProcess(sim(), {});
    expect(result.failed).toBe(false);
    expect(result.outputs.status).toBe('SUCCESSFUL');
    expect(result.outputs.backupSize).toBe(String(sim().backups()[0]?.size));
    expect(result.stdout).toMatch(/Backup \S+: CREATING .*\n(.*\n)*Backup \S+: AVAILABLE/);
  });

  it('is not a success when the backup reads DELETED after its job succeeded', async () => {
    sim().configure({
      faults: [
        jsonReply('describeBackup', {
          code: 0,
          data: { backupId: 'backup1_x', backupName: 'b', status: 'DELETED', size: 0 },
        }),
      ],
    });
    const result = await runInProcess(sim(), {});
    expect(result.failed).toBe(true);
    expect(result.outputs.status).toBe('FAILED');
    expect(result.outputs.backupId).toBe(sim().backups()[0]?.backupId);
    expect(result.outputs.collections).toBeUndefined();
    expect(result.stdout).toMatch(
      /::error::.*is DELETED instead of AVAILABLE although its job job-\S+ reported SUCCESSFUL/,
    );
  });

  it('keeps waiting through an undocumented job status, and logs it', async () => {
    sim().configure({
      faults: [
        jsonReply('describeJob', {
          code: 0,
          data: { jobId: 'x', status: 'QUEUED', progress: '0' },
        }),
      ],
    });
    const result = await runInProcess(sim(), {});
    expect(result.failed).toBe(false);
    expect(result.stdout).toContain('QUEUED 0%');
    expect(result.stdout).toContain('an undocumented status, still waiting');
  });
});

describe('a backup already in progress', () => {
  const running = {
    backupId: 'backup9_running',
    backupName: 'nightly',
    creationMethod: 'AUTO' as const,
    status: 'CREATING' as const,
  };

  it('is waited for, then ours is created (if-in-progress: wait)', async () => {
    // Still running when the step first lists, however long a busy machine takes to start it.
    sim().configure({ existingBackups: [{ ...running, finishAfterMs: 2_000 }] });
    const result = await runInProcess(sim(), {});
    expect(result.failed).toBe(false);
    expect(result.stdout).toContain('Backup backup9_running (nightly, auto) is in progress');
    const create = requests('createBackup')[0];
    const lastList = requests('listBackups').filter(
      (r) => r.receivedAt <= (create?.receivedAt ?? 0),
    );
    expect(lastList.length).toBeGreaterThan(1);
    expect(result.summary).toContain('Waited first for');
  });

  it('keeps waiting, and says so, when another backup starts while it waits', async () => {
    // The first one runs for 2 s: the second starts well before that, however long a busy
    // machine takes between the step's first list and this test's reaction to it.
    sim().configure({ existingBackups: [{ ...running, finishAfterMs: 2_000 }] });
    // An automatic backup starts once the step has seen the first one running, and ends 2.5 s
    // later, after the first.
    let nextStartedAt = 0;
    let finished = false;
    const seen = () => requests('listBackups')[0]?.status !== undefined;
    const startNext = until(() => finished || seen()).then(() => {
      if (!seen()) return;
      nextStartedAt = simulatorNow();
      sim().configure({
        existingBackups: [
          {
            backupId: 'backup8_next',
            creationMethod: 'AUTO',
            status: 'CREATING',
            finishAfterMs: 2_500,
          },
        ],
      });
    });
    const result = await runInProcess(sim(), {}).finally(() => (finished = true));
    await startNext;
    expect(nextStartedAt).toBeGreaterThan(0);
    expect(result.failed).toBe(false);
    expect(result.stdout).toMatch(/Now waiting for backup .*backup8_next/);
    expect(result.summary).toContain('backup9_running, backup8_next');
    // Created only once the second one had ended, not when the first did.
    const create = requests('createBackup')[0];
    expect(create?.receivedAt).toBeGreaterThanOrEqual(nextStartedAt + 2_500);
  });

  it('fails at once naming it (if-in-progress: fail)', async () => {
    sim().configure({ existingBackups: [running] });
    const result = await runInProcess(sim(), { 'if-in-progress': 'fail' });
    expect(result.failed).toBe(true);
    expect(result.stdout).toMatch(
      /::error::backup backup9_running \(nightly, auto\) is in progress/,
    );
    expect(requests('createBackup')).toHaveLength(0);
  });

  it('that starts between the check and the create is waited for the same way', async () => {
    sim().configure({ autoBackupStartsOnCreate: true });
    const result = await runInProcess(sim(), {});
    expect(result.failed).toBe(false);
    expect(result.stdout).toMatch(
      /create was refused \(.*automatic backup is in progress\.?, code 40003\)/,
    );
    expect(requests('createBackup')).toHaveLength(2);
    expect(
      sim()
        .backups()
        .filter((b) => b.creationMethod === 'MANUAL'),
    ).toHaveLength(1);
    expect(result.outputs.backupId).toBe(
      sim()
        .backups()
        .find((b) => b.creationMethod === 'MANUAL')?.backupId,
    );
  });

  it('that starts between the check and the create fails naming it with if-in-progress: fail', async () => {
    sim().configure({ autoBackupStartsOnCreate: true });
    const result = await runInProcess(sim(), { 'if-in-progress': 'fail' });
    expect(result.failed).toBe(true);
    expect(result.stdout).toMatch(/::error::backup \S+ \(.*auto\) is in progress/);
    expect(requests('createBackup')).toHaveLength(1);
  });
});
