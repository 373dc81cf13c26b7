// A hostile or merely odd server, and two workflows at once: server text never becomes a
// workflow command or summary markup, bodies and retries are bounded, paging ignores `count`,
// and no workflow reports another's backup as its own.
import { describe, expect, it } from 'vitest';
import type { Inputs } from '../scripts/runner.ts';
import { expectExit, runBundled } from './helpers/children.ts';
import { DEFAULT_CLUSTER_ID, type ExistingBackup } from '../simulator/server.ts';
import { neutralizeCommands } from '../src/core/log.ts';
import { RETRY_FLOOR_MS, retryDelay } from '../src/core/retry.ts';
import { escapeText } from '../src/core/summary.ts';
import { clientFor } from './helpers/client.ts';
import { recordSlots } from './helpers/slots.ts';
import { runInProcess } from './helpers/inprocess.ts';
import { useSimulator } from './helpers/sim.ts';
import { CLOCK_MS } from './helpers/timing.ts';

const sim = useSimulator({ jobDurationMs: 400 });
const requests = (route: string) => sim().requests.filter((r) => r.route === route);
const inputs = (extra: Inputs = {}): Inputs => ({
  'api-key': sim().apiKey,
  'cluster-id': DEFAULT_CLUSTER_ID,
  'base-url': sim().url,
  timeout: '1m',
  ...extra,
});

// Every way a line can command the runner, each carrying the marker INJECTED.
const PAYLOAD =
  '\n::add-mask::INJECTED\n::set-output name=status::INJECTED\n  ::error::INJECTED' +
  '\r::warning::INJECTED ##[set-output name=status;]INJECTED\n::stop-commands::INJECTED' +
  '\n\n[INJECTED](https://evil.example) ![INJECTED](https://evil.example/i.png) <img src=x>' +
  '\n\n# INJECTED';

/** Lines the runner would run as commands with injected text, or an old-style command. */
function commandLines(stdout: string): string[] {
  return stdout
    .split(/\r\n|\r|\n/)
    .filter((line) => /^\s*::[^:]*::INJECTED/.test(line) || line.includes('##['));
}

/** The summary is HTML blocks only: no blank line inside, no tag that came from the server. */
function expectPlainSummary(summary: string): void {
  const lines = summary.replace(/\n+$/, '').split('\n');
  for (const line of lines) expect(line, 'summary line').toMatch(/^</);
  expect(summary).not.toMatch(/<img|<a |\]\(|https:\/\//);
  expect(summary).toContain('INJECTED');
}

describe('server text is data', () => {
  it('never becomes a workflow command or summary markup (the bundle as the runner runs it)', async () => {
    sim().configure({
      jobOutcome: 'FAILED',
      inject: { text: PAYLOAD, fields: ['reason', 'backupName', 'message', 'clusterName'] },
      faults: [
        {
          route: 'describeJob',
          kind: 'status',
          status: 503,
          contentType: 'application/json',
          body: JSON.stringify({ code: 503, message: `busy${PAYLOAD}` }),
        },
      ],
    });
    const result = await runBundled(inputs());
    expectExit(result, 1);
    expect(result.stdout).toContain('INJECTED');
    expect(commandLines(result.stdout)).toEqual([]);
    expect(result.outputs.status).toBe('FAILED');
    // The name came back with line breaks: it is not an output, nor part of one.
    expect(result.outputs.backupName).toBeUndefined();
    for (const value of Object.values(result.outputs)) expect(value).not.toMatch(/\n|INJECTED/);
    expectPlainSummary(result.summary);
  });

  it('refuses ids that are not ids, clearly, without multi-line outputs', async () => {
    sim().configure({ inject: { text: PAYLOAD, fields: ['backupId', 'jobId'] } });
    const result = await runBundled(inputs({ wait: 'false' }));
    expectExit(result, 1);
    expect(commandLines(result.stdout)).toEqual([]);
    expect(result.stdout).toMatch(/::error::.*reply field "backupId" is not an id/);
    for (const value of Object.values(result.outputs)) expect(value).not.toMatch(/\n/);
    expect(result.outputs.backupId).toBeUndefined();
  });

  it('neutralizes command lines and escapes summary text (units)', () => {
    expect(neutralizeCommands('a\n ::add-mask::x\r::error::y ##[z]')).toBe(
      'a\n›  ::add-mask::x\n› ::error::y ## [z]',
    );
    expect(escapeText('<b>&"\'\n\nx')).toBe('&lt;b&gt;&amp;&quot;&#39;<br><br>x');
    expect(escapeText('![i](https://evil.example/i.png) www.evil.example')).toBe(
      '!&#91;i&#93;(https&#58;//evil.example/i.png) www&#46;evil.example',
    );
  });
});

describe('bounded work', () => {
  it('reads a 150 KB pathological error page without blocking, then goes on', async () => {
    sim().configure({
      faults: [
        {
          route: 'describeJob',
          kind: 'status',
          status: 502,
          contentType: 'text/html',
          body: '<'.repeat(150_000),
        },
      ],
    });
    const result = await runInProcess(sim(), {});
    expect(result.failed).toBe(false);
    expect(result.stdout).toContain('HTTP 502');
    // Minutes before the fix; the whole run takes about a second, which a busy machine stretches
    // by far less than the 19 s left.
    expect(result.durationMs).toBeLessThan(20_000);
  });

  it('stops reading a body over the size limit and asks again', async () => {
    sim().configure({
      faults: [
        {
          route: 'describeJob',
          kind: 'status',
          status: 200,
          contentType: 'application/json',
          body: `{"code":0,"data":{"x":"${'a'.repeat(5 * 1024 * 1024)}"}}`,
        },
      ],
    });
    const result = await runInProcess(sim(), {});
    expect(result.failed).toBe(false);
    expect(result.stdout).toContain('reply body is larger than 4 MiB');
  });

  it.each([
    ['Retry-After: 0', '0'],
    ['a Retry-After date in the past', 'Wed, 21 Oct 2015 07:28:00 GMT'],
  ])('keeps a floor under the retry delay with %s', async (_, retryAfter) => {
    sim().configure({
      faults: [{ route: 'describeJob', kind: 'status', status: 429, retryAfter, times: 4 }],
    });
    const result = await runInProcess(sim(), {});
    expect(result.failed).toBe(false);
    // Each retry leaves after the reply to the one before, which the server sent after taking the
    // request in: the gap between arrivals holds the whole delay, whatever the load.
    const times = requests('describeJob').map((r) => r.receivedAt);
    for (let i = 1; i <= 4; i++) {
      expect((times[i] ?? 0) - (times[i - 1] ?? 0)).toBeGreaterThanOrEqual(
        RETRY_FLOOR_MS - CLOCK_MS,
      );
    }
    expect(retryDelay(0, 0)).toBe(RETRY_FLOOR_MS);
    expect(retryDelay(undefined, 0, () => 0)).toBe(RETRY_FLOOR_MS);
  });
});

describe('listing', () => {
  it.each(['page', 'string', 'zero', 'huge'] as const)(
    'reads every page whatever count says (%s), paced',
    async (countStyle) => {
      const many: ExistingBackup[] = Array.from({ length: 150 }, () => ({
        creationMethod: 'MANUAL',
      }));
      sim().configure({ countStyle, existingBackups: many });
      const api = clientFor(sim());
      const granted = recordSlots();
      try {
        expect(await api.client.backups.list(DEFAULT_CLUSTER_ID)).toHaveLength(150);
      } finally {
        granted.stop();
        await api.close();
      }
      const pages = requests('listBackups');
      // A count that says more remain is followed until a page comes back empty.
      expect(pages.map((r) => r.query.currentPage)).toEqual(
        countStyle === 'huge' ? ['1', '2', '3'] : ['1', '2'],
      );
      expect(pages.every((r) => r.query.pageSize === '100')).toBe(true);
      // Spaced by the client's rate limit, 1/18 s (the documented 20 a second, less a margin for
      // the network), as the limiter granted the slots. Arrival times at the server are no
      // measure of it: a busy machine can hold the first request back and not the second.
      const [first, second] = granted.slots;
      expect(granted.slots.map((slot) => slot.key)).toEqual(pages.map(() => 'GET /v2/backups'));
      expect((second?.at ?? 0) - (first?.at ?? 0)).toBeGreaterThanOrEqual(1_000 / 18);
    },
  );
});

describe('SIGTERM while the create is in flight', () => {
  it('says a backup may exist, and sets status UNKNOWN', async () => {
    sim().configure({ faults: [{ route: 'createBackup', kind: 'hang' }] });
    const result = await runBundled(inputs(), {
      onOutput: { text: 'backups/create', then: (pid) => process.kill(pid, 'SIGTERM') },
    });
    expectExit(result, 1);
    expect(result.stdout).toContain('a backup may exist');
    expect(result.stdout).not.toContain('no backup had been created yet');
    expect(result.outputs.status).toBe('UNKNOWN');
  });
});

describe('two workflows backing up different collections of one cluster at once', () => {
  const held = (backupId: string | undefined) =>
    sim()
      .backups()
      .find((b) => b.backupId === backupId)
      ?.collections.flatMap((c) => c.collectionNames);

  it.each([
    ['the first create reply is lost after the backup was made', 'commitThenDrop' as const],
    ['the first create is reset before it is processed', 'reset' as const],
  ])('each reports its own backup when %s', async (_, kind) => {
    sim().configure({ jobDurationMs: 1_000, faults: [{ route: 'createBackup', kind }] });
    const [a, b] = await Promise.all([
      runBundled(inputs({ 'backup-type': 'COLLECTION', collections: 'orders' })),
      runBundled(inputs({ 'backup-type': 'COLLECTION', collections: 'items, users' })),
    ]);
    expectExit(a, 0);
    expectExit(b, 0);
    expect(held(a.outputs.backupId)).toEqual(['orders']);
    expect(held(b.outputs.backupId)).toEqual(['items', 'users']);
    expect(
      sim()
        .backups()
        .filter((x) => x.creationMethod === 'MANUAL'),
    ).toHaveLength(2);
  });
});
