// The demos, `npm start` (scripts/demo.ts), `npm run demo:restore` and `npm run demo:prune`, and
// what they print: every ending, the summary as terminal text, runner commands as a runner shows
// them, counts in the right number, and a usage line for a wrong option.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { plural } from '../scripts/plural.ts';
import { asRunnerShows, summaryText } from '../scripts/terminal.ts';
import { ROOT } from '../scripts/actions.ts';
import { expectExit, runScript, type ChildOutput } from './helpers/children.ts';

/** `node scripts/<script> …args`, its output shown when the test fails. */
const run = (script: string, ...args: string[]): Promise<ChildOutput> =>
  runScript(join(ROOT, 'scripts', script), args);

const demo = (...args: string[]): Promise<ChildOutput> => run('demo.ts', ...args);

/** The lines between the `── title ───` rule and the next rule. */
function section(stdout: string, title: string): string {
  const after = stdout.split(`── ${title}`)[1] ?? '';
  return after.slice(after.indexOf('\n') + 1).split('\n── ')[0] ?? '';
}

/** What every demo prints: the summary as text, no HTML and no raw workflow command. */
function expectTerminalText(stdout: string): void {
  // A table as aligned columns with a rule under the header row, not HTML.
  expect(section(stdout, 'job summary')).toMatch(/^─{3,} {2}─{3,}/m);
  expect(stdout).not.toMatch(/<\/?(td|tr|th|table|h\d|p)>|^::/m);
}

describe('plural', () => {
  it('writes a count with its noun in the right number', () => {
    expect(plural(1, 'API request')).toBe('1 API request');
    expect(plural(0, 'API request')).toBe('0 API requests');
    expect(plural(7, 'API request')).toBe('7 API requests');
    expect(plural(1, 'output lost', 'outputs lost')).toBe('1 output lost');
    expect(plural(2, 'output lost', 'outputs lost')).toBe('2 outputs lost');
  });
});

describe('summaryText', () => {
  it('turns the summary HTML into headings and aligned columns, entities decoded', () => {
    const html =
      '<h3>✅ Backup &quot;b1&quot; of cluster c1: SUCCESSFUL</h3>\n' +
      '<table><tr><th>Item</th><th>Value</th></tr><tr><td>Cluster</td><td>c1</td></tr>' +
      '<tr><td>Backup of</td><td>a &lt;b&gt; &amp; c&#39;s</td></tr></table>\n' +
      '<h4>What to do next</h4>\nRe-run.<br>Then deploy.\n';
    expect(summaryText(html)).toBe(
      [
        '✅ Backup "b1" of cluster c1: SUCCESSFUL',
        '',
        'Item       Value',
        '─────────  ───────────',
        'Cluster    c1',
        "Backup of  a <b> & c's",
        '',
        'What to do next:',
        'Re-run.',
        'Then deploy.',
      ].join('\n'),
    );
  });
});

describe('asRunnerShows', () => {
  it('shows annotations and groups as a runner log does, and hides the other commands', () => {
    const text =
      '::add-mask::secret\nplain line\n::debug::detail\n' +
      '::notice title=Zilliz Cloud backup::done 100%25%0Anext line\n::error::it failed\n' +
      '::group::Polling\n::endgroup::\n';
    expect(asRunnerShows(text)).toBe(
      'plain line\nNotice: done 100%\nnext line\nError: it failed\n▸ Polling\n',
    );
  });
});

describe('npm start (scripts/demo.ts)', () => {
  it.each([
    ['success', 'SUCCESSFUL'],
    ['failed', 'FAILED'],
    ['canceled', 'CANCELED'],
    ['timeout', 'TIMED_OUT'],
    ['busy', 'is in progress on cluster'],
  ])('shows the %s ending, with the summary as text', async (ending, shown) => {
    const run = await demo('--ending', ending, '--job-ms', '300');
    expectExit(run, 0); // the step ended the way it was asked to
    const { stdout } = run;
    const summary = stdout.split('── job summary')[1]?.split('── result')[0] ?? '';
    expect(summary).toContain(shown);
    expect(summary).toMatch(/^Status +\S/m);
    expect(stdout).not.toMatch(/<\/?(td|tr|table|h\d)>|^::/m);
    if (ending !== 'success') expect(summary).toContain('What to do next:');
  });

  it('answers a wrong option with a usage line, not a stack trace', async () => {
    for (const args of [
      ['--outcome', 'FAILED'],
      ['--ending', 'crash'],
      ['--wait', 'maybe'],
    ]) {
      const run = await demo(...args);
      expectExit(run, 2);
      const { stdout, stderr } = run;
      expect(stdout).toBe('');
      expect(stderr).toContain(
        'usage: npm start -- [--ending success|failed|canceled|timeout|busy]',
      );
      expect(stderr).not.toMatch(/^\s+at /m);
    }
  });
});

describe('npm run demo:restore (scripts/demo-restore.ts)', () => {
  it('restores the collections beside the originals and shows the summary as text', async () => {
    const { code, stdout, stderr } = await run('demo-restore.ts', '--job-ms', '300');
    expect(code, stderr).toBe(0);
    expectTerminalText(stdout);
    const summary = section(stdout, 'job summary');
    expect(summary).toMatch(/^✅ Restore of backup \S+ of cluster \S+: SUCCESSFUL$/m);
    expect(summary).toMatch(/^orders → orders_restored +shop +\S+ +job-\S+ +✅ SUCCESSFUL/m);
    expect(summary).toContain('What to do next:');
    expect(section(stdout, 'result')).toMatch(/exit code 0, [\d.]+ s; \d+ API requests$/m);
  });

  it('restores a cluster backup into a new cluster, the password masked', async () => {
    const { code, stdout, stderr } = await run('demo-restore.ts', '--job-ms', '300', '--cluster');
    expect(code, stderr).toBe(0);
    expectTerminalText(stdout);
    expect(section(stdout, 'outputs')).toContain('password=*** (masked on a runner)');
    expect(section(stdout, 'job summary')).toMatch(/^in01-\S+ +rollback-demo +in01-\S+ +job-/m);
  });

  it('shows a failed second restore, with what to do next', async () => {
    const { code, stdout } = await run('demo-restore.ts', '--job-ms', '300', '--fail-second');
    expect(code).toBe(0); // the restore failed the way it was asked to
    expectTerminalText(stdout);
    const summary = section(stdout, 'job summary');
    expect(summary).toMatch(/^items → items_restored .*❌ FAILED: /m);
    expect(summary).toContain('What to do next:');
    expect(section(stdout, 'result')).toContain('exit code 1');
  });

  it('answers a wrong option with a usage line, not a stack trace', async () => {
    for (const args of [['--clusters'], ['--job-ms', 'soon']]) {
      const { code, stdout, stderr } = await run('demo-restore.ts', ...args);
      expect(code).toBe(2);
      expect(stdout).toBe('');
      expect(stderr).toContain('usage: npm run demo:restore -- [--job-ms 3000] [--cluster]');
      expect(stderr).not.toMatch(/^\s+at /m);
    }
  });
});

describe('npm run demo:prune (scripts/demo-prune.ts)', () => {
  // 24 generated backups, one a day: 16 manual cluster backups AVAILABLE and the newest still
  // CREATING are in scope (simulator/backlog.ts); keep-last 5, older-than 10d (backup9 is too
  // young), max-deletions 5: the 5 oldest of the 10 due go, the next 5 are left over.
  it('deletes the oldest due backups, up to the cap, and shows why each is kept', async () => {
    const { code, stdout, stderr } = await run('demo-prune.ts');
    expect(code, stderr).toBe(0);
    expectTerminalText(stdout);
    const outputs = section(stdout, 'outputs');
    for (const output of ['deletedCount=5', 'keptCount=12', 'leftOver=5', 'status=SUCCESSFUL']) {
      expect(outputs).toContain(output);
    }
    const summary = section(stdout, 'job summary');
    expect(summary).toMatch(/^Dedicated-01_backup1 \(\S+\) .* kept +status CREATING$/m);
    expect(summary).toMatch(/^Dedicated-01_backup9 \(\S+\) .* kept +too young/m);
    expect(summary).toMatch(/^Dedicated-01_backup11 \(\S+\) .* kept +over the cap/m);
    expect(summary).toMatch(/^Dedicated-01_backup24 \(\S+\) .* deleted +beyond the newest 5/m);
    expect(summary.match(/ deleted +beyond/g)).toHaveLength(5);
    expect(section(stdout, 'result')).toMatch(
      /exit code 0, [\d.]+ s; \d+ API requests; 19 of 24 backups left on the cluster/,
    );
  });

  it('deletes nothing in a dry run, and says what it would delete', async () => {
    const { code, stdout, stderr } = await run(
      'demo-prune.ts',
      '--dry-run',
      '--max-deletions',
      '20',
    );
    expect(code, stderr).toBe(0);
    expectTerminalText(stdout);
    const outputs = section(stdout, 'outputs');
    for (const output of ['deletedCount=0', 'keptCount=17', 'leftOver=0', 'status=DRY_RUN']) {
      expect(outputs).toContain(output);
    }
    expect(section(stdout, 'job summary').match(/would delete \(dry run\)/g)).toHaveLength(10);
    // One List backups call: a dry run reads the list once and deletes nothing.
    expect(section(stdout, 'result')).toMatch(
      /exit code 0, [\d.]+ s; 1 API request; 24 of 24 backups left on the cluster/,
    );
  });

  it('answers a wrong option with a usage line, not a stack trace', async () => {
    for (const args of [['--backups', 'many'], ['--keep'], ['--backups', '0']]) {
      const { code, stdout, stderr } = await run('demo-prune.ts', ...args);
      expect(code).toBe(2);
      expect(stdout).toBe('');
      expect(stderr).toContain('usage: npm run demo:prune -- [--backups 24]');
      expect(stderr).not.toMatch(/^\s+at /m);
    }
  });
});
