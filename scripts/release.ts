// `npm run release`: tags the release that CHANGELOG.md describes, as GitHub's actions/typescript-
// action template does it: an annotated tag vX.Y.Z on HEAD, with the CHANGELOG section as its
// message, and the major tag vX moved to the same commit (users of @vX get it), then both pushed.
//   npm run release -- [--dry-run] [--no-push] [--remote origin]
// The version and the notes come from the newest `## [X.Y.Z] - YYYY-MM-DD` section of
// CHANGELOG.md; package.json must have that version, the working tree must be clean, and the
// version must be newer than every tag of its major version. Works on the repository in the
// current directory.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { compareVersions, parseChangelog, type Release } from './changelog.ts';

const USAGE = 'usage: npm run release -- [--dry-run] [--no-push] [--remote origin]';

/** Runs git; its output, trimmed. Throws with git's own message when it fails. */
function git(...args: string[]): string {
  const result = spawnSync('git', args, { encoding: 'utf8' });
  if (result.status !== 0) {
    const message = (result.stderr || result.stdout || String(result.error)).trim();
    throw new Error(`git ${args.join(' ')} failed: ${message}`);
  }
  return result.stdout.trim();
}

function options(): { dryRun: boolean; push: boolean; remote: string } {
  try {
    const { values } = parseArgs({
      options: {
        'dry-run': { type: 'boolean', default: false },
        'no-push': { type: 'boolean', default: false },
        remote: { type: 'string', default: 'origin' },
      },
    });
    return { dryRun: values['dry-run'], push: !values['no-push'], remote: values.remote };
  } catch (error) {
    console.error(`${(error as Error).message}\n${USAGE}`);
    process.exit(2);
  }
}

/** The release to make, once every check has passed. */
function releaseToMake(): Release {
  const changelog = parseChangelog(readFileSync('CHANGELOG.md', 'utf8'));
  const release = changelog.releases[0];
  if (!release) {
    throw new Error(
      'CHANGELOG.md has no release yet: move the entries under [Unreleased] to a new ' +
        '"## [X.Y.Z] - YYYY-MM-DD" section, set "version" in package.json to X.Y.Z, commit, ' +
        'and run this again',
    );
  }
  const tag = `v${release.version}`;
  const { version } = JSON.parse(readFileSync('package.json', 'utf8')) as { version: string };
  if (version !== release.version) {
    throw new Error(
      `package.json has version ${version}, but the newest release in CHANGELOG.md is ` +
        `${release.version}: make them the same and commit`,
    );
  }
  const changes = git('status', '--porcelain');
  if (changes) {
    throw new Error(`the working tree has uncommitted changes: commit them first\n${changes}`);
  }
  const existing = git('tag', '--list', 'v*.*.*')
    .split('\n')
    .filter((name) => /^v\d+\.\d+\.\d+$/.test(name));
  if (existing.includes(tag)) {
    throw new Error(
      `${tag} exists already (commit ${git('rev-parse', '--short', `${tag}^{commit}`)}): ` +
        'add a section for the next version to CHANGELOG.md',
    );
  }
  const major = release.version.split('.')[0];
  const newer = existing
    .filter((name) => name.startsWith(`v${major}.`))
    .find((name) => compareVersions(name.slice(1), release.version) > 0);
  if (newer) {
    throw new Error(`${newer} is newer than ${tag}: v${major} would move back`);
  }
  return release;
}

/** Where the major tag points now (its tag object), to put it back if the push fails. */
function refOf(tag: string): string | undefined {
  const result = spawnSync('git', ['rev-parse', '--verify', '--quiet', `refs/tags/${tag}`], {
    encoding: 'utf8',
  });
  return result.status === 0 ? result.stdout.trim() : undefined;
}

const { dryRun, push, remote } = options();
try {
  const release = releaseToMake();
  const tag = `v${release.version}`;
  const majorTag = `v${release.version.split('.')[0]}`;
  const previous = refOf(majorTag);
  const moved = previous
    ? `moves from ${git('rev-parse', '--short', `${majorTag}^{commit}`)}`
    : 'is new';
  console.log(
    `Release ${tag} (${release.date}) of commit ${git('log', '-1', '--format=%h %s')}; ` +
      `${majorTag} ${moved}.`,
  );
  console.log(`\nNotes, from CHANGELOG.md:\n\n${release.notes}\n`);
  if (dryRun) {
    console.log('Dry run: nothing tagged or pushed.');
    process.exit(0);
  }

  // The notes verbatim: without --cleanup=verbatim git would drop the "### Added" lines.
  const tagged = spawnSync(
    'git',
    ['tag', '--annotate', '--cleanup=verbatim', '--file=-', tag, 'HEAD'],
    { input: `${release.notes}\n`, encoding: 'utf8' },
  );
  if (tagged.status !== 0) throw new Error(`git tag ${tag} failed: ${tagged.stderr.trim()}`);
  git('tag', '--force', '--annotate', `--message=${tag}`, majorTag, 'HEAD');
  console.log(`Tagged ${tag} and ${majorTag}.`);
  if (!push) {
    console.log(`Not pushed (--no-push): git push --atomic ${remote} ${tag} +${majorTag}`);
    process.exit(0);
  }

  // Both tags in one push, or neither; the major tag moves (forced), the release tag never does.
  try {
    git(
      'push',
      '--atomic',
      remote,
      `refs/tags/${tag}`,
      `+refs/tags/${majorTag}:refs/tags/${majorTag}`,
    );
  } catch (error) {
    // Put the local tags back as they were, so that running this again starts clean.
    git('tag', '--delete', tag);
    if (previous) git('update-ref', `refs/tags/${majorTag}`, previous);
    else git('tag', '--delete', majorTag);
    throw new Error(`${(error as Error).message}\n(the local tags are back as they were)`, {
      cause: error,
    });
  }
  console.log(`Pushed ${tag} and ${majorTag} to ${remote}.`);
  console.log(
    '\nNext, the GitHub release of the tag, with its notes:\n' +
      `  gh release create ${tag} --verify-tag --title ${tag} --notes-from-tag\n` +
      `or on GitHub: Releases, Draft a new release, tag ${tag}, the notes above; tick ` +
      '"Publish this Action to the GitHub Marketplace" to list it there.',
  );
} catch (error) {
  console.error(`Not released: ${(error as Error).message}`);
  process.exit(1);
}
