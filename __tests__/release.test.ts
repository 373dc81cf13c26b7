// The release process: CHANGELOG.md as scripts/changelog.ts reads it, and `npm run release`
// (scripts/release.ts) run in throwaway git repositories with a local bare repository as their
// remote: it tags vX.Y.Z with the CHANGELOG section as its message, moves vX, pushes both at once,
// and refuses, changing nothing, whatever does not add up. No network.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ROOT } from '../scripts/actions.ts';
import { compareVersions, parseChangelog } from '../scripts/changelog.ts';

const HEADER = '# Changelog\n\nKeep a Changelog.\n\n## [Unreleased]\n\n';

describe('CHANGELOG.md', () => {
  const text = readFileSync(join(ROOT, 'CHANGELOG.md'), 'utf8');
  const changelog = parseChangelog(text);
  const version = (
    JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
      version: string;
    }
  ).version;

  it('is one Keep a Changelog file: [Unreleased], then dated releases, newest first', () => {
    expect(text).toContain('[Keep a Changelog]');
    expect(changelog.links.has('Unreleased')).toBe(true);
    for (const release of changelog.releases) {
      expect(changelog.links.get(release.version), release.version).toMatch(/\/v\d+\.\d+\.\d+$/);
    }
  });

  it('has package.json at the newest release, or at the first one before there is any', () => {
    const newest = changelog.releases[0];
    if (newest) expect(version).toBe(newest.version);
    else expect(changelog.unreleased).toContain(`The first release, ${version}`);
  });
});

describe('parseChangelog', () => {
  it('reads the releases, newest first, their notes verbatim, and the links', () => {
    const changelog = parseChangelog(
      `${HEADER}- Next.\n\n## [1.1.0] - 2026-12-01\n\n### Added\n\n- B.\n\n` +
        '## [1.0.0] - 2026-11-01\n\n### Added\n\n- A.\n\n' +
        '[Unreleased]: https://example.com/compare/v1.1.0...HEAD\n' +
        '[1.1.0]: https://example.com/releases/tag/v1.1.0\n',
    );
    expect(changelog.unreleased).toBe('- Next.');
    expect(changelog.releases).toEqual([
      { version: '1.1.0', date: '2026-12-01', notes: '### Added\n\n- B.' },
      { version: '1.0.0', date: '2026-11-01', notes: '### Added\n\n- A.' },
    ]);
    expect([...changelog.links.keys()]).toEqual(['Unreleased', '1.1.0']);
  });

  it.each([
    ['## [1.0.0] - Unreleased\n\n- A.\n', 'is not "## [X.Y.Z] - YYYY-MM-DD"'],
    ['## [1.0.0] - 2026-02-30\n\n- A.\n', 'is not "## [X.Y.Z] - YYYY-MM-DD"'],
    ['## 1.0.0\n\n- A.\n', 'is not "## [X.Y.Z] - YYYY-MM-DD"'],
    ['## [1.0.0] - 2026-11-01\n\n', '1.0.0 has no notes'],
    [
      '## [1.0.0] - 2026-11-01\n\n- A.\n\n## [1.2.0] - 2026-12-01\n\n- B.\n',
      'newest release first',
    ],
  ])('refuses %j', (sections, message) => {
    expect(() => parseChangelog(`${HEADER}${sections}`)).toThrow(message);
  });

  it('wants [Unreleased] first', () => {
    expect(() => parseChangelog('# Changelog\n\n## [1.0.0] - 2026-11-01\n\n- A.\n')).toThrow(
      'the first section must be "## [Unreleased]"',
    );
  });

  it('orders versions by number, not as text', () => {
    expect(compareVersions('1.10.0', '1.9.9')).toBeGreaterThan(0);
    expect(compareVersions('2.0.0', '10.0.0')).toBeLessThan(0);
    expect(compareVersions('1.2.3', '1.2.3')).toBe(0);
  });
});

describe('npm run release (scripts/release.ts)', () => {
  let dir: string;
  let repo: string;
  let remote: string;
  // A git of its own: no user or system configuration (signing, hooks), a fixed identity.
  const env = {
    PATH: process.env.PATH ?? '',
    HOME: '',
    GIT_CONFIG_GLOBAL: '/dev/null',
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_AUTHOR_NAME: 'Release Test',
    GIT_AUTHOR_EMAIL: 'release@example.com',
    GIT_COMMITTER_NAME: 'Release Test',
    GIT_COMMITTER_EMAIL: 'release@example.com',
  };

  function git(cwd: string, ...args: string[]): string {
    const result = spawnSync('git', args, { cwd, env, encoding: 'utf8' });
    expect(result.status, `git ${args.join(' ')}: ${result.stderr}`).toBe(0);
    return result.stdout.trim();
  }

  function release(...args: string[]): { code: number | null; stdout: string; stderr: string } {
    const result = spawnSync(process.execPath, [join(ROOT, 'scripts', 'release.ts'), ...args], {
      cwd: repo,
      env,
      encoding: 'utf8',
    });
    return { code: result.status, stdout: result.stdout, stderr: result.stderr };
  }

  /** Commits package.json at `version` and a CHANGELOG.md with these release sections. */
  function commitRelease(version: string, sections: string): string {
    writeFileSync(join(repo, 'package.json'), `${JSON.stringify({ version }, null, 2)}\n`);
    writeFileSync(join(repo, 'CHANGELOG.md'), `${HEADER}${sections}`);
    git(repo, 'add', '.');
    git(repo, 'commit', '--quiet', '--message', `Release ${version}`);
    return git(repo, 'rev-parse', 'HEAD');
  }

  /** Tag name → the commit it points to, in `cwd`. */
  function tags(cwd: string): Record<string, string> {
    const names = git(cwd, 'tag', '--list');
    return Object.fromEntries(
      (names ? names.split('\n') : []).map((name) => [
        name,
        git(cwd, 'rev-parse', `${name}^{commit}`),
      ]),
    );
  }

  const V100 = '## [1.0.0] - 2026-11-01\n\n### Added\n\n- The backup action.\n';
  const V110 = '## [1.1.0] - 2026-12-01\n\n### Added\n\n- The prune action.\n\n';

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'release-'));
    repo = join(dir, 'repo');
    remote = join(dir, 'remote.git');
    git(dir, 'init', '--quiet', '--bare', remote);
    git(dir, 'init', '--quiet', '--initial-branch', 'main', repo);
    git(repo, 'remote', 'add', 'origin', remote);
  });

  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('tags vX.Y.Z with its notes and vX on HEAD, pushes both, then moves vX on', () => {
    const first = commitRelease('1.0.0', V100);
    git(repo, 'push', '--quiet', 'origin', 'main');
    const one = release();
    expect(one.code, one.stderr).toBe(0);
    expect(one.stdout).toContain('Release v1.0.0 (2026-11-01) of commit');
    expect(one.stdout).toContain('v1 is new');
    expect(tags(remote)).toEqual({ 'v1.0.0': first, v1: first });
    // The annotation is the CHANGELOG section, headings included.
    expect(git(repo, 'tag', '--list', '--format=%(contents)', 'v1.0.0')).toBe(
      '### Added\n\n- The backup action.',
    );
    expect(git(repo, 'cat-file', '-t', 'v1')).toBe('tag');

    const second = commitRelease('1.1.0', `${V110}${V100}`);
    const two = release();
    expect(two.code, two.stderr).toBe(0);
    expect(two.stdout).toContain(`v1 moves from ${first.slice(0, 7)}`);
    expect(tags(remote)).toEqual({ 'v1.0.0': first, 'v1.1.0': second, v1: second });
    expect(tags(repo)).toEqual(tags(remote));
    expect(two.stdout).toContain('gh release create v1.1.0 --verify-tag --title v1.1.0');
  });

  it('starts a new major tag and leaves the old one where it is', () => {
    const first = commitRelease('1.0.0', V100);
    expect(release().code).toBe(0);
    const next = commitRelease(
      '2.0.0',
      `## [2.0.0] - 2026-12-02\n\n### Changed\n\n- X.\n\n${V100}`,
    );
    expect(release().code).toBe(0);
    expect(tags(remote)).toEqual({ 'v1.0.0': first, v1: first, 'v2.0.0': next, v2: next });
  });

  it('changes nothing in a dry run, and tags without pushing with --no-push', () => {
    const head = commitRelease('1.0.0', V100);
    const dry = release('--dry-run');
    expect(dry.code, dry.stderr).toBe(0);
    expect(dry.stdout).toContain('### Added\n\n- The backup action.');
    expect(tags(repo)).toEqual({});
    expect(release('--no-push').code).toBe(0);
    expect(tags(repo)).toEqual({ 'v1.0.0': head, v1: head });
    expect(tags(remote)).toEqual({});
  });

  it.each([
    [
      'no release section yet',
      () => commitRelease('1.0.0', '- Next.\n'),
      'CHANGELOG.md has no release yet: move the entries under [Unreleased]',
    ],
    [
      'a release section without a date',
      () => commitRelease('1.0.0', '## [1.0.0] - Unreleased\n\n- A.\n'),
      'CHANGELOG.md line 7: "## [1.0.0] - Unreleased" is not "## [X.Y.Z] - YYYY-MM-DD"',
    ],
    [
      'package.json at another version',
      () => commitRelease('1.0.1', V100),
      'package.json has version 1.0.1, but the newest release in CHANGELOG.md is 1.0.0',
    ],
    [
      'uncommitted changes',
      () => {
        commitRelease('1.0.0', V100);
        writeFileSync(join(repo, 'dist.js'), '// not committed\n');
      },
      'the working tree has uncommitted changes',
    ],
  ])('refuses %s, tagging nothing', (_, arrange, message) => {
    arrange();
    const { code, stdout, stderr } = release();
    expect(code).toBe(1);
    expect(stderr).toContain(`Not released: ${message}`);
    expect(stdout).toBe('');
    expect(tags(repo)).toEqual({});
  });

  it('refuses a version that is released already, or older than a release of its major', () => {
    commitRelease('1.1.0', `${V110}${V100}`);
    expect(release().code).toBe(0);
    const again = release();
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('Not released: v1.1.0 exists already');

    // A 1.0.1 after 1.1.0 would take v1 back.
    commitRelease('1.0.1', '## [1.0.1] - 2026-12-03\n\n- Fix.\n');
    const older = release();
    expect(older.code).toBe(1);
    expect(older.stderr).toContain('Not released: v1.1.0 is newer than v1.0.1: v1 would move back');
    expect(Object.keys(tags(repo)).sort()).toEqual(['v1', 'v1.1.0']);
  });

  it('puts the local tags back when the push is refused', () => {
    const first = commitRelease('1.0.0', V100);
    expect(release().code).toBe(0);
    const v1Before = git(repo, 'rev-parse', 'refs/tags/v1');
    // Someone else pushed v1.1.0 first: the atomic push is refused as a whole.
    const other = commitRelease('1.1.0', `${V110}${V100}`);
    git(repo, 'tag', 'v1.1.0', other);
    git(repo, 'push', '--quiet', 'origin', 'v1.1.0');
    git(repo, 'tag', '--delete', 'v1.1.0');
    git(repo, 'commit', '--quiet', '--allow-empty', '--message', 'Another commit');
    const refused = release();
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/Not released: git push .* failed: [\s\S]*local tags are back/);
    expect(tags(repo)).toEqual({ 'v1.0.0': first, v1: first });
    expect(git(repo, 'rev-parse', 'refs/tags/v1')).toBe(v1Before);
    expect(tags(remote)).toEqual({ 'v1.0.0': first, v1: first, 'v1.1.0': other });
  });
});
