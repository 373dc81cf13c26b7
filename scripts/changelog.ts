// CHANGELOG.md as the release script reads it (Keep a Changelog): `## [Unreleased]` first, then
// one `## [X.Y.Z] - YYYY-MM-DD` section per release, newest first, and the link definitions at the
// end. Anything else at that heading level is a mistake worth stopping a release for.

export interface Release {
  /** X.Y.Z, without the v. */
  version: string;
  /** YYYY-MM-DD. */
  date: string;
  /** The section's text under its heading, trimmed: the release notes. */
  notes: string;
}

export interface Changelog {
  /** What is under `## [Unreleased]`, trimmed (empty right after a release). */
  unreleased: string;
  /** Newest first. */
  releases: Release[];
  /** `[name]: url` link definitions, by name as written. */
  links: Map<string, string>;
}

const VERSION = /^(\d+)\.(\d+)\.(\d+)$/;
const RELEASE_HEADING = /^## \[(\d+\.\d+\.\d+)\] - (\d{4}-\d{2}-\d{2})$/;
const LINK = /^\[([^\]]+)\]: (\S+)$/;

/** Negative, zero or positive as version `a` is lower than, equal to or higher than `b`. */
export function compareVersions(a: string, b: string): number {
  const [, ...x] = VERSION.exec(a) ?? [];
  const [, ...y] = VERSION.exec(b) ?? [];
  if (x.length !== 3 || y.length !== 3) throw new Error(`not a version X.Y.Z: ${a} or ${b}`);
  for (let i = 0; i < 3; i++) {
    const diff = Number(x[i]) - Number(y[i]);
    if (diff !== 0) return diff;
  }
  return 0;
}

/** A real calendar date (2026-02-30 is not). */
function isDate(text: string): boolean {
  const date = new Date(`${text}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().startsWith(text);
}

/** Throws an error naming the line when the file does not have the shape above. */
export function parseChangelog(text: string): Changelog {
  const lines = text.split('\n');
  const links = new Map<string, string>();
  const sections: { heading: string; line: number; body: string[] }[] = [];
  lines.forEach((line, index) => {
    const link = LINK.exec(line);
    if (link?.[1] && link[2]) links.set(link[1], link[2]);
    else if (line.startsWith('## ')) sections.push({ heading: line, line: index + 1, body: [] });
    else sections.at(-1)?.body.push(line);
  });

  const [first, ...rest] = sections;
  if (first?.heading !== '## [Unreleased]') {
    throw new Error('CHANGELOG.md: the first section must be "## [Unreleased]"');
  }
  const releases = rest.map(({ heading, line, body }): Release => {
    const match = RELEASE_HEADING.exec(heading);
    if (!match?.[1] || !match[2] || !isDate(match[2])) {
      throw new Error(
        `CHANGELOG.md line ${line}: "${heading}" is not "## [X.Y.Z] - YYYY-MM-DD" (the release date)`,
      );
    }
    const notes = body.join('\n').trim();
    if (!notes) throw new Error(`CHANGELOG.md line ${line}: ${match[1]} has no notes`);
    return { version: match[1], date: match[2], notes };
  });
  releases.forEach((release, i) => {
    const older = releases[i + 1];
    if (older && compareVersions(release.version, older.version) <= 0) {
      throw new Error(
        `CHANGELOG.md: ${release.version} comes before ${older.version}: newest release first`,
      );
    }
  });
  return { unreleased: first.body.join('\n').trim(), releases, links };
}
