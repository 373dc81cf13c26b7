// Flaky networks, throttling, hung servers and lost replies: never two backups, never a lost id,
// never past the deadline.
import { createServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { generate } from 'selfsigned';
import { describe, expect, it } from 'vitest';
import { Deadline } from '../src/core/deadline.ts';
import { guardProcess, type StopReason } from '../src/core/lifecycle.ts';
import { runInProcess } from './helpers/inprocess.ts';
import { jsonReply, useSimulator } from './helpers/sim.ts';
import { BUSY_MS, CLOCK_MS } from './helpers/timing.ts';

const sim = useSimulator({ jobDurationMs: 400 });

const requests = (route: string) => sim().requests.filter((r) => r.route === route);
const manualBackups = () =>
  sim()
    .backups()
    .filter((b) => b.creationMethod === 'MANUAL');
const routeSequence = () =>
  sim().requests.map(
    (r) => `${r.route}${r.query.creationMethod ? `:${r.query.creationMethod}` : ''}`,
  );

describe('a create whose outcome is unknown', () => {
  it('is not repeated when the backup was made and the reply lost: the backup is adopted', async () => {
    sim().configure({ faults: [{ route: 'createBackup', kind: 'commitThenDrop' }] });
    const result = await runInProcess(sim(), {});
    expect(result.failed).toBe(false);
    expect(manualBackups()).toHaveLength(1);
    const [backup] = manualBackups();
    expect(result.outputs.backupId).toBe(backup?.backupId);
    expect(result.outputs.backupName).toBe(backup?.backupName);
    expect(result.outputs.jobId).toBeUndefined();
    expect(result.outputs.status).toBe('SUCCESSFUL');
    expect(requests('createBackup')).toHaveLength(1);
    expect(requests('describeJob')).toHaveLength(0);
    expect(requests('describeBackup').length).toBeGreaterThan(1);
    expect(result.stdout).toMatch(
      /::warning::The reply to our create was lost .*, but backup .* it is ours, so no second backup is made/,
    );
    expect(result.summary).toContain(
      'unknown (the create reply was lost; backup adopted from the list)',
    );
  });

  it.each([
    ['an HTTP 503 page', { route: 'createBackup' as const, kind: 'status' as const, status: 503 }],
    ['a connection reset', { route: 'createBackup' as const, kind: 'reset' as const }],
    ['a 2xx reply that is not JSON', { route: 'createBackup' as const, kind: 'nonJson' as const }],
  ])('checks the list after %s, then creates once', async (_, fault) => {
    sim().configure({ faults: [fault] });
    const result = await runInProcess(sim(), {});
    expect(result.failed).toBe(false);
    expect(manualBackups()).toHaveLength(1);
    expect(result.outputs.backupId).toBe(manualBackups()[0]?.backupId);
    expect(result.outputs.jobId).toBe(sim().jobs()[0]?.jobId);
    expect(routeSequence().slice(0, 4)).toEqual([
      'listBackups',
      'createBackup',
      'listBackups:MANUAL',
      'createBackup',
    ]);
  });

  it('checks the list after a create that hangs past its own time limit', async () => {
    sim().configure({ faults: [{ route: 'createBackup', kind: 'hang' }] });
    const result = await runInProcess(sim(), {}, { requestTimeoutMs: 300 });
    expect(result.failed).toBe(false);
    expect(manualBackups()).toHaveLength(1);
    expect(result.stdout).toContain('no complete reply within 0.3s');
    expect(routeSequence().slice(0, 4)).toEqual([
      'listBackups',
      'createBackup',
      'listBackups:MANUAL',
      'createBackup',
    ]);
  });

  it('warns that a backup may exist when the timeout cuts a create off mid-flight', async () => {
    sim().configure({ faults: [{ route: 'createBackup', kind: 'hang' }] });
    const result = await runInProcess(sim(), { timeout: '2s' });
    expect(result.failed).toBe(true);
    // The deadline cuts the create off; without it, the request's own 30 s limit would.
    expect(result.durationMs).toBeLessThan(2_000 + BUSY_MS);
    expect(result.stdout).toMatch(
      /::error::the 2s timeout passed during POST \S+; a create request may have started a backup all the same/,
    );
  });

  it('treats a later "busy" refusal as a sign of its own backup, and adopts it', async () => {
    // The lost create made a backup that the next list does not show yet (two stale, empty
    // pages: the in-progress check and the first adoption check). The second create is then
    // refused as busy, and the list, asked again, shows the backup: it is adopted.
    // The lost backup is still running when the second create arrives (a long job).
    sim().configure({
      jobDurationMs: 30_000,
      faults: [
        { route: 'createBackup', kind: 'commitThenDrop' },
        jsonReply(
          'listBackups',
          {
            code: 0,
            data: { count: 0, currentPage: 1, pageSize: 100, backups: [] },
          },
          2,
        ),
      ],
    });
    const result = await runInProcess(sim(), { wait: 'false' });
    expect(result.failed).toBe(false);
    expect(requests('createBackup')).toHaveLength(2);
    expect(requests('createBackup')[1]?.status).toBe(200);
    expect(manualBackups()).toHaveLength(1);
    expect(result.outputs.backupId).toBe(manualBackups()[0]?.backupId);
    expect(result.stdout).toMatch(
      /::warning::The reply to our create was lost \(last answer: .*40003/,
    );
  });

  it('fails with the refusal when the list shows nothing new', async () => {
    sim().configure({
      faults: [
        { route: 'createBackup', kind: 'status', status: 502 },
        {
          route: 'createBackup',
          kind: 'businessError',
          code: 65535,
          message: 'Something undocumented.',
        },
      ],
    });
    const result = await runInProcess(sim(), {});
    expect(result.failed).toBe(true);
    expect(result.stdout).toMatch(/::error::.*65535: Something undocumented\./);
    expect(manualBackups()).toHaveLength(0);
    expect(result.outputs).toEqual({});
  });
});

describe('a create that surely did nothing', () => {
  it('is repeated after three 429s, each Retry-After honoured, without a list check', async () => {
    sim().configure({
      faults: [{ route: 'createBackup', kind: 'status', status: 429, times: 3, retryAfter: '1' }],
    });
    const result = await runInProcess(sim(), {});
    expect(result.failed).toBe(false);
    const times = requests('createBackup').map((r) => r.receivedAt);
    expect(times).toHaveLength(4);
    // Each retry leaves after the reply to the one before, which the server sent after taking the
    // request in: the gap between arrivals holds the whole delay, whatever the load.
    for (let i = 1; i < times.length; i++)
      expect((times[i] as number) - (times[i - 1] as number)).toBeGreaterThanOrEqual(
        1_000 - CLOCK_MS,
      );
    expect(routeSequence().filter((r) => r === 'listBackups:MANUAL')).toHaveLength(0);
    expect(manualBackups()).toHaveLength(1);
    expect(result.stdout).toMatch(/HTTP 429.*retry 1 in 1s \(Retry-After\)/);
  });

  it('stops at once when Retry-After would pass the deadline, and says so', async () => {
    sim().configure({
      faults: [{ route: 'createBackup', kind: 'status', status: 429, retryAfter: '30' }],
    });
    const result = await runInProcess(sim(), { timeout: '5s' });
    expect(result.failed).toBe(true);
    // At once: a wait for the 30 s Retry-After, or until the 5 s deadline, would take longer.
    expect(result.durationMs).toBeLessThan(BUSY_MS);
    expect(result.stdout).toMatch(
      /::error::the 5s timeout would pass before retry 1 .*giving up after: .*HTTP 429/,
    );
  });

  it('does not retry a 404 page or a 403', async () => {
    sim().configure({
      faults: [
        {
          route: 'createBackup',
          kind: 'status',
          status: 404,
          contentType: 'text/html',
          body: '<h1>404</h1>',
        },
      ],
    });
    const result = await runInProcess(sim(), {});
    expect(result.failed).toBe(true);
    expect(requests('createBackup')).toHaveLength(1);
    expect(result.stdout).toMatch(/::error::POST \S+: HTTP 404: 404/);
  });
});

describe('certificate errors', () => {
  it('are final: a self-signed server fails the step at once', async () => {
    const { private: key, cert } = await generate([{ name: 'commonName', value: '127.0.0.1' }], {
      keyType: 'ec',
      algorithm: 'sha256',
    });
    let hits = 0;
    const server = createServer({ key, cert }, (_, res) => {
      hits++;
      res.end('{}');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    try {
      const result = await runInProcess(sim(), {
        'base-url': `https://127.0.0.1:${port}`,
        timeout: '30s',
      });
      expect(result.failed).toBe(true);
      // At once: retrying the certificate error would go on to the 30 s timeout.
      expect(result.durationMs).toBeLessThan(BUSY_MS);
      expect(result.stdout).toMatch(/::error::.*(self[- ]signed|SELF_SIGNED|certificate)/i);
      expect(hits).toBe(0);
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});

describe('the watchdog', () => {
  it('reports and exits when something is still pending past the deadline', async () => {
    // Read first: the deadline and the watchdog's grace run from after it.
    const started = performance.now();
    const deadline = new Deadline(100);
    const reasons: StopReason[] = [];
    const code = await new Promise<number>((resolve) => {
      guardProcess({
        deadline,
        graceMs: 200,
        onStop: async (reason) => void reasons.push(reason),
        exit: resolve,
      });
    });
    expect(code).toBe(1);
    expect(reasons).toEqual(['watchdog']);
    // Not before the deadline and its grace (a timer never fires early).
    expect(performance.now() - started).toBeGreaterThanOrEqual(300 - CLOCK_MS);
  });

  it('is disarmed when the step finishes in time', async () => {
    const deadline = new Deadline(50);
    let exited = false;
    const release = guardProcess({
      deadline,
      graceMs: 50,
      onStop: async () => undefined,
      exit: () => (exited = true),
    });
    release();
    // Nothing to wait for but the moment the watchdog would have fired: a timer due after it.
    // Timers fire in the order they are due, however late a busy machine runs them, so an armed
    // watchdog would have exited before this one.
    await new Promise((resolve) => setTimeout(resolve, deadline.remainingMs() + 50 + 50));
    expect(exited).toBe(false);
  });
});
