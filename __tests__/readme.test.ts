// The README is what Marketplace users read: its inputs and outputs tables must say what
// action.yml says (same names in the same order, same defaults, same descriptions), its YAML
// snippets must be valid uses of the action, and the sections CI and users rely on must stay.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import {
  checkWorkflow,
  loadAction,
  loadSuite,
  ROOT,
  runScripts,
  type ActionSpec,
} from './helpers/workflows.ts';

const action = loadAction();
const suite = loadSuite();
const actions = [...suite.values()];
const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');

/** The actions with a folder of their own (restore/, prune/), each with its own README. */
const subActions = actions.filter((spec) => spec.dir !== '');
const readmeOf = (spec: ActionSpec): string =>
  readFileSync(join(ROOT, spec.dir, 'README.md'), 'utf8');

/**
 * Where each action's inputs and outputs tables are: in README.md, the root action's under
 * `## Inputs` and `## Outputs`, each other action's under `### Inputs` and `### Outputs` of its
 * own section; in each other action's own README (restore/README.md …), under `## Inputs` and
 * `## Outputs`.
 */
interface TablePlace {
  action: ActionSpec;
  file: string;
  text: string;
  section: string;
  level: string;
}
const TABLES: TablePlace[] = [
  ...actions.map((spec) => ({
    action: spec,
    file: 'README.md',
    text: readme,
    section: spec.dir === '' ? '' : `## ${spec.dir[0]?.toUpperCase()}${spec.dir.slice(1)}`,
    level: spec.dir === '' ? '##' : '###',
  })),
  ...subActions.map((spec) => ({
    action: spec,
    file: `${spec.dir}/README.md`,
    text: readmeOf(spec),
    section: '',
    level: '##',
  })),
];

/** The rows of the first table after `heading` (in `section`), as cells without Markdown escapes. */
function table(text: string, heading: string, section = ''): string[][] {
  const from = section ? text.indexOf(`\n${section}\n`) : 0;
  expect(from, `${section} is missing`).toBeGreaterThan(-1);
  const start = text.indexOf(`\n${heading}\n`, from);
  expect(start, `${heading} is missing`).toBeGreaterThan(-1);
  const lines = text.slice(start + heading.length + 2).split('\n');
  const first = lines.findIndex((line) => line.startsWith('|'));
  const rows: string[][] = [];
  for (const line of lines.slice(first + 2)) {
    if (!line.startsWith('|')) break;
    rows.push(
      line
        .slice(1, -1)
        .split(/(?<!\\)\|/)
        .map((cell) => cell.trim().replace(/\\([*_|`\\])/g, '$1')),
    );
  }
  return rows;
}

const normalise = (text: string): string => text.replace(/\s+/g, ' ').trim();

/** How the README's Default column shows an input's default. */
function shownDefault(spec: { required: boolean; default: string | undefined }): string {
  if (spec.required) return '(required)';
  return spec.default === '' ? "`''`" : `\`${spec.default}\``;
}

/**
 * The YAML snippets of `text` that use the suite, and what is wrong with them. A list of steps is
 * checked as part of a job whose backup step comes earlier.
 */
function snippetProblems(text: string): { count: number; problems: string[] } {
  const snippets = [...text.matchAll(/```yaml\n([\s\S]*?)```/g)].map((m) => m[1] ?? '');
  const workflows = snippets.filter((snippet) => snippet.includes('zilliz-backup-action'));
  const problems = workflows.flatMap((snippet, i) => {
    const parsed: unknown = parse(snippet);
    const workflow = Array.isArray(parsed)
      ? { jobs: { job: { steps: [{ id: 'backup' }, ...(parsed as unknown[])] } } }
      : parsed;
    const complete = typeof workflow === 'object' && workflow !== null && 'on' in workflow;
    return [
      ...checkWorkflow(workflow, suite, { requirePermissions: complete }),
      // Values reach scripts through env:, never as ${{ }} inside run:.
      ...runScripts(workflow)
        .filter(({ script }) => script.includes('${{'))
        .map(({ where }) => `${where}: \${{ }} in run:`),
    ].map((problem) => `snippet ${i + 1}: ${problem}`);
  });
  return { count: workflows.length, problems };
}

/** Relative links of a Markdown text: [path, anchor]. */
function links(text: string): [string, string][] {
  return [...text.matchAll(/\]\(([^)#:]+)(?:#([^)]*))?\)/g)].map((m) => [m[1] ?? '', m[2] ?? '']);
}

/** GitHub's anchor for a heading: lower case, punctuation dropped, spaces as hyphens. */
const anchor = (heading: string): string =>
  heading
    .toLowerCase()
    .replace(/[^\w\- ]/g, '')
    .replace(/ /g, '-');

/** Links of `text` (a file in `dir`) to files that do not exist, or to headings they lack. */
function brokenLinks(text: string, dir: string): string[] {
  return links(text).flatMap(([target, hash]) => {
    const path = join(ROOT, dir, target);
    if (!existsSync(path)) return [`${target}: no such file`];
    if (!hash || !target.endsWith('.md')) return [];
    const headings = [...readFileSync(path, 'utf8').matchAll(/^#+ (.+)$/gm)].map((m) =>
      anchor(m[1] ?? ''),
    );
    return headings.includes(hash) ? [] : [`${target}#${hash}: no such heading`];
  });
}

describe.each(actions)('$dir/action.yml', (action) => {
  it('has Marketplace branding', () => {
    expect(action.branding?.icon).toMatch(/^[a-z0-9-]+$/);
    expect(action.branding?.color).toMatch(
      /^(white|black|yellow|blue|green|orange|red|purple|gray-dark)$/,
    );
  });

  it('describes every input, with a default unless it is required', () => {
    for (const [name, spec] of action.inputs) {
      expect(spec.description, name).not.toBe('');
      if (spec.required) expect(spec.default, name).toBeUndefined();
      else expect(spec.default, name).toBeDefined();
    }
  });

  it('describes every output', () => {
    for (const [name, spec] of action.outputs) expect(spec.description, name).not.toBe('');
  });
});

describe.each(TABLES)('$file, $section tables', ({ action, text, section, level }) => {
  it('lists every input of action.yml, in order, with its default and description', () => {
    const rows = table(text, `${level} Inputs`, section);
    expect(rows.map(([name]) => name)).toEqual([...action.inputs.keys()].map((n) => `\`${n}\``));
    for (const [name, shown, description] of rows) {
      const spec = action.inputs.get(name?.replace(/`/g, '') ?? '');
      if (!spec) continue;
      expect(shown, `default of ${name}`).toBe(shownDefault(spec));
      expect(description, `description of ${name}`).toBe(normalise(spec.description));
    }
  });

  it('lists every output of action.yml, in order, with its description', () => {
    const rows = table(text, `${level} Outputs`, section);
    expect(rows.map(([name]) => name)).toEqual([...action.outputs.keys()].map((n) => `\`${n}\``));
    for (const [name, description] of rows) {
      const spec = action.outputs.get(name?.replace(/`/g, '') ?? '');
      expect(description, `description of ${name}`).toBe(normalise(spec?.description ?? ''));
    }
  });
});

describe('README.md', () => {
  it('keeps the tables between the markers that tools regenerate them by', () => {
    const start = readme.indexOf('<!-- inputs:start -->');
    const end = readme.indexOf('<!-- inputs:end -->');
    expect(start).toBeGreaterThan(-1);
    expect(readme.indexOf('## Inputs')).toBeGreaterThan(start);
    expect(readme.indexOf('## Outputs')).toBeLessThan(end);
  });

  it('has YAML snippets that use only inputs and outputs of the actions they use', () => {
    const { count, problems } = snippetProblems(readme);
    expect(count).toBeGreaterThan(1);
    expect(problems).toEqual([]);
  });

  it('backs up the whole cluster in the Quick start, and says how to reference the action', () => {
    const quickStart = readme.split('## Quick start')[1]?.split('\n## ')[0] ?? '';
    const workflow = parse(/```yaml\n([\s\S]*?)```/.exec(quickStart)?.[1] ?? '') as {
      jobs: Record<string, { steps: { id?: string; with?: Record<string, string> }[] }>;
    };
    const step = Object.values(workflow.jobs)
      .flatMap((job) => job.steps)
      .find((s) => s.id === 'backup');
    expect(Object.keys(step?.with ?? {}).sort()).toEqual(['api-key', 'cluster-id', 'timeout']);
    expect(quickStart).toContain('replace `<owner>`');
    expect(quickStart).toContain('<owner>/zilliz-backup-action@<40-character commit SHA>');
  });

  it('states the bundle budget that npm run check-size enforces', () => {
    // Read, not imported: importing the script would run the size check.
    const script = readFileSync(join(ROOT, 'scripts', 'check-size.ts'), 'utf8');
    const BUDGET_BYTES = Number(/BUDGET_BYTES = ([\d_]+)/.exec(script)?.[1]?.replace(/_/g, ''));
    expect(BUDGET_BYTES).toBeGreaterThan(0);
    expect(readme).toContain(`under ${BUDGET_BYTES / 1e6} MB: \`npm run check-size\` fails CI`);
  });

  it('keeps the commands CI runs and the development loop', () => {
    expect(readme).toContain('npm ci && npm start');
    expect(readme).toMatch(/^npm test\b/m);
    expect(readme).toContain('npm run local-action');
  });

  it('links the examples, the changelog, the security policy, the contributing guide and the licence', () => {
    for (const link of [
      '(examples/',
      '(CHANGELOG.md)',
      '(SECURITY.md)',
      '(CONTRIBUTING.md)',
      '(LICENSE)',
    ]) {
      expect(readme).toContain(link);
    }
  });

  it('links only to files that exist', () => {
    expect(links(readme).length).toBeGreaterThan(5);
    expect(brokenLinks(readme, '')).toEqual([]);
  });

  it('covers the failures users meet, proxies and releases', () => {
    for (const text of [
      '21119',
      '80001',
      '80002',
      '80021',
      'if-in-progress',
      'TIMED_OUT',
      'HTTPS_PROXY',
      'NO_PROXY',
      '## Troubleshooting',
      '## Proxies',
      'dist/',
      '`v1`',
    ]) {
      expect(readme).toContain(text);
    }
  });

  it('points to the performance and reliability documents', () => {
    const section = readme.split('## Performance and reliability')[1]?.split('\n## ')[0] ?? '';
    expect(section).toContain('[docs/benchmarks.md](docs/benchmarks.md)');
    expect(section).toContain('[docs/reliability.md](docs/reliability.md)');
  });
});

describe.each(subActions)('$dir/README.md', (spec) => {
  const text = readmeOf(spec);
  const ref = `<owner>/zilliz-backup-action/${spec.dir}@v1`;

  it('names the action as action.yml does, and says how to reference it', () => {
    expect(text.split('\n')[0]).toBe(`# ${spec.name}`);
    expect(text).toContain(`uses: ${ref}`);
    expect(text).toContain('replace `<owner>`');
    expect(text).toContain(`<owner>/zilliz-backup-action/${spec.dir}@<40-character commit SHA>`);
  });

  it('has usage and examples, with YAML snippets that use only inputs and outputs of the action', () => {
    for (const heading of ['## Usage', '## Inputs', '## Outputs', '## Examples']) {
      expect(text).toContain(`\n${heading}\n`);
    }
    const { count, problems } = snippetProblems(text);
    expect(count).toBeGreaterThan(1);
    expect(problems).toEqual([]);
  });

  it('links the examples that use the action, and only files and headings that exist', () => {
    const examples = readdirSync(join(ROOT, 'examples')).filter((file) =>
      readFileSync(join(ROOT, 'examples', file), 'utf8').includes(ref),
    );
    expect(examples.length).toBeGreaterThan(0);
    for (const file of examples) expect(text).toContain(`](../examples/${file})`);
    expect(brokenLinks(text, spec.dir)).toEqual([]);
  });

  it('is linked from the main README, and names its demo', () => {
    expect(readme).toContain(`](${spec.dir}/README.md)`);
    expect(text).toContain(`npm run demo:${spec.dir}`);
  });
});

describe('the repository', () => {
  const file = (path: string): string => readFileSync(join(ROOT, path), 'utf8');

  it('has the MIT licence that package.json names', () => {
    expect((JSON.parse(file('package.json')) as { license: string }).license).toBe('MIT');
    const licence = file('LICENSE');
    expect(licence).toMatch(
      /^MIT License\n\nCopyright \(c\) \d{4} The zilliz-backup-action authors\n/,
    );
    expect(licence).toContain('THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND');
  });

  it('marks dist/ as generated', () => {
    expect(file('.gitattributes')).toMatch(/^dist\/\*\* linguist-generated=true -diff$/m);
  });

  it('has Dependabot group npm and GitHub Actions updates', () => {
    const config = parse(file('.github/dependabot.yml')) as {
      updates: { 'package-ecosystem': string; groups?: Record<string, unknown> }[];
    };
    const ecosystems = config.updates.map((update) => update['package-ecosystem']);
    expect(ecosystems.sort()).toEqual(['github-actions', 'npm']);
    for (const update of config.updates) expect(Object.keys(update.groups ?? {})).not.toEqual([]);
  });

  it('says in SECURITY.md how the API key is handled', () => {
    const security = file('SECURITY.md');
    for (const text of ['core.setSecret', '***', 'Bearer', 'https://', 'Report a vulnerability']) {
      expect(security).toContain(text);
    }
  });

  it('describes the development loop in CONTRIBUTING.md', () => {
    const contributing = file('CONTRIBUTING.md');
    for (const command of [
      'npm ci',
      'npm start',
      'npm test',
      'npm run build',
      'npm run simulator',
      'npm run local-action',
    ]) {
      expect(contributing).toContain(command);
    }
  });

  it('has a .env.example for local-action that points at the simulator', () => {
    const env = file('.env.example');
    expect(env).toMatch(/^INPUT_BASE-URL=http:\/\/127\.0\.0\.1:\d+$/m);
    expect(env).toMatch(/^INPUT_API-KEY=sim-key-/m);
    for (const name of action.inputs.keys()) expect(env).toContain(`INPUT_${name.toUpperCase()}=`);
  });
});
