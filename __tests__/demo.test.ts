// `npm start` (scripts/demo.ts) and what it prints: every ending, the summary as terminal text,
// runner commands as a runner shows them, and a usage line for a wrong option.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { asRunnerShows, summaryText } from '../scripts/terminal.ts';
import { ROOT } from '../scripts/actions.ts';
import { expectExit, runScript } from './helpers/children.ts';

const demo = (...args: string[]) => runScript(join(ROOT, 'scripts', 'demo.ts'), args);

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
