// `npm run docs`: writes the Inputs and Outputs tables of the READMEs from the action.yml files,
// so that what a user reads is what the action takes: README.md (the backup action under
// `## Inputs`/`## Outputs`, the others under `### Inputs`/`### Outputs` of their own section) and
// each other action's own README (restore/README.md …). The README test checks the same tables.
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { parse } from 'yaml';
import { ACTIONS, ROOT } from './actions.ts';

interface Spec {
  inputs?: Record<string, { description?: string; required?: boolean; default?: string }>;
  outputs?: Record<string, { description?: string }>;
}

/** Markdown cell text: one line, with what Markdown would read as markup escaped. */
const cell = (text: string): string =>
  text
    .replace(/\s+/g, ' ')
    .trim()
    .replace(/[\\|*_]/g, (c) => `\\${c}`);

function inputsTable(spec: Spec): string {
  const rows = Object.entries(spec.inputs ?? {}).map(([name, input]) => {
    const shown = input.required
      ? '(required)'
      : input.default === undefined || input.default === ''
        ? "`''`"
        : `\`${input.default}\``;
    return `| \`${name}\` | ${shown} | ${cell(input.description ?? '')} |`;
  });
  return ['| Input | Default | Description |', '| --- | --- | --- |', ...rows].join('\n');
}

function outputsTable(spec: Spec): string {
  const rows = Object.entries(spec.outputs ?? {}).map(
    ([name, output]) => `| \`${name}\` | ${cell(output.description ?? '')} |`,
  );
  return ['| Output | Description |', '| --- | --- |', ...rows].join('\n');
}

/** Replaces the first table after `heading` (after `section`, when given). */
function replaceTable(text: string, heading: string, table: string, section = ''): string {
  const from = section ? text.indexOf(`\n${section}\n`) : 0;
  const start = text.indexOf(`\n${heading}\n`, from);
  if (from < 0 || start < 0) throw new Error(`${section} ${heading} not found`);
  const tableStart = text.indexOf('\n|', start);
  let end = tableStart + 1;
  while (text.startsWith('|', end)) end = text.indexOf('\n', end) + 1;
  return `${text.slice(0, tableStart + 1)}${table}\n${text.slice(end)}`;
}

const changed: string[] = [];
function update(file: string, edit: (text: string) => string): void {
  const path = join(ROOT, file);
  const before = readFileSync(path, 'utf8');
  const after = edit(before);
  writeFileSync(path, after);
  changed.push(path);
}

const specs = new Map(
  ACTIONS.map((action) => [
    action,
    parse(readFileSync(join(ROOT, action.metadata), 'utf8')) as Spec,
  ]),
);
update('README.md', (text) => {
  let out = text;
  for (const [action, spec] of specs) {
    const section =
      action.name === 'backup' ? '' : `## ${action.name[0]?.toUpperCase()}${action.name.slice(1)}`;
    const level = section ? '###' : '##';
    out = replaceTable(out, `${level} Inputs`, inputsTable(spec), section);
    out = replaceTable(out, `${level} Outputs`, outputsTable(spec), section);
  }
  return out;
});
for (const [action, spec] of specs) {
  if (action.name === 'backup') continue;
  update(join(dirname(action.metadata), 'README.md'), (text) =>
    replaceTable(
      replaceTable(text, '## Inputs', inputsTable(spec)),
      '## Outputs',
      outputsTable(spec),
    ),
  );
}
// The tables come out aligned and escaped as the rest of the repository is formatted.
execFileSync(join(ROOT, 'node_modules', '.bin', 'prettier'), ['--write', ...changed], {
  stdio: 'inherit',
});
