// The repository's own GitHub workflows: they parse, declare permissions, pin their actions; the
// CI job that runs the actions with `uses: ./`, `./restore` and `./prune` gives each only inputs
// its action.yml defines, and passes when its steps are run here the way a runner runs them.
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { runBundled } from '../scripts/runner.ts';
import { checkWorkflow, loadAction, loadSuite, ROOT } from './helpers/workflows.ts';

// Each action of the suite as the repository's own workflows use it: ./, ./restore …
const suite = loadSuite(true);
const DIR = join(ROOT, '.github', 'workflows');
const read = (file: string): unknown => parse(readFileSync(join(DIR, file), 'utf8'));

describe('.github/workflows', () => {
  it('runs the action itself against the simulator in CI, with inputs and outputs of action.yml', () => {
    expect(
      checkWorkflow(read('ci.yml'), suite, {
        requirePermissions: true,
        keyFromSecret: false,
      }),
    ).toEqual([]);
  });

  it.each(readdirSync(DIR).filter((file) => file !== 'ci.yml'))(
    '%s pins its actions and declares permissions',
    (file) => {
      const problems = checkWorkflow(read(file), suite, {
        requirePermissions: true,
      });
      // check-dist does not run the action; everything else must be clean.
      expect(problems.filter((p) => !p.startsWith('no step uses'))).toEqual([]);
    },
  );
});

describe('codeql.yml', () => {
  const workflow = read('codeql.yml') as {
    permissions: Record<string, string>;
    jobs: Record<
      string,
      {
        permissions: Record<string, string>;
        steps: { uses?: string; with?: Record<string, string> }[];
      }
    >;
  };

  it('scans the TypeScript with CodeQL (init, then analyze), pinned by version', () => {
    const steps = Object.values(workflow.jobs).flatMap((job) => job.steps);
    const codeql = steps.filter((step) => step.uses?.startsWith('github/codeql-action/'));
    expect(codeql.map((step) => step.uses)).toEqual([
      expect.stringMatching(/^github\/codeql-action\/init@v[34]$/),
      expect.stringMatching(/^github\/codeql-action\/analyze@v[34]$/),
    ]);
    expect(codeql[0]?.with?.languages).toBe('javascript-typescript');
    expect(codeql[0]?.with?.config).toContain('- dist');
  });

  it('writes nothing but its security events', () => {
    expect(workflow.permissions).toEqual({ contents: 'read' });
    for (const job of Object.values(workflow.jobs)) {
      const writes = Object.entries(job.permissions).filter(([, access]) => access !== 'read');
      expect(writes).toEqual([['security-events', 'write']]);
    }
  });
});

describe('the CI job that runs the actions (ci.yml, job action)', () => {
  interface Step {
    id?: string;
    name?: string;
    if?: string;
    uses?: string;
    run?: string;
    with?: Record<string, unknown>;
    env?: Record<string, string>;
  }
  const job = (read('ci.yml') as { jobs: { action: { steps: Step[] } } }).jobs.action;

  it('runs backup, restore and prune with uses: ./ …', () => {
    expect(job.steps.map((step) => step.uses).filter((uses) => uses?.startsWith('./'))).toEqual([
      './',
      './restore',
      './prune',
    ]);
  });

  // A runner in miniature: `run:` steps in bash (-e -o pipefail, as a runner does), `uses: ./…`
  // steps as the runner starts an action (its bundle, INPUT_* with action.yml's defaults, output
  // and summary files), ${{ env.* }} and ${{ steps.*.outputs.* }} expressions, GITHUB_ENV. The
  // checkout and setup-node steps are what this checkout and this Node already are.
  it('passes when its steps run here as a runner runs them', { timeout: 120_000 }, async () => {
    const temp = mkdtempSync(join(tmpdir(), 'ci-job-'));
    const githubEnv = join(temp, 'github-env');
    writeFileSync(githubEnv, '');
    const env: Record<string, string> = {};
    const outputs = new Map<string, Record<string, string>>();
    const groups: number[] = [];
    const log: string[] = [];

    const evaluate = (text: string): string =>
      text.replace(/\$\{\{\s*(.*?)\s*\}\}/g, (_, expression: string) => {
        const fromEnv = /^env\.(\w+)$/.exec(expression);
        if (fromEnv?.[1]) return env[fromEnv[1]] ?? '';
        const fromStep = /^steps\.([\w-]+)\.outputs\.([\w-]+)$/.exec(expression);
        if (fromStep?.[1] && fromStep[2]) return outputs.get(fromStep[1])?.[fromStep[2]] ?? '';
        throw new Error(`this test does not evaluate \${{ ${expression} }}`);
      });

    /** bash, in a process group of its own, so that what it leaves running can be stopped. */
    const bash = (script: string, stepEnv: Record<string, string>): Promise<number | null> => {
      const child = spawn('bash', ['--noprofile', '--norc', '-eo', 'pipefail', '-c', script], {
        cwd: ROOT,
        detached: true,
        env: {
          // node (24) and npm as setup-node leaves them, jq and the rest as the image has them.
          PATH: [join(ROOT, 'node_modules', '.bin'), process.env.PATH].join(delimiter),
          HOME: temp,
          RUNNER_TEMP: temp,
          GITHUB_ENV: githubEnv,
          ...env,
          ...stepEnv,
        },
      });
      groups.push(child.pid as number);
      child.stdout.on('data', (chunk: Buffer) => log.push(chunk.toString()));
      child.stderr.on('data', (chunk: Buffer) => log.push(chunk.toString()));
      // 'exit', not 'close': a process started in the background keeps the pipes open.
      return new Promise((resolve) => child.on('exit', resolve));
    };

    try {
      for (const [index, step] of job.steps.entries()) {
        const where = `step ${index + 1} (${step.id ?? step.name ?? step.uses ?? 'run'})`;
        expect(step.if, `${where}: this test does not evaluate if:`).toBeUndefined();
        const stepEnv = Object.fromEntries(
          Object.entries(step.env ?? {}).map(([name, value]) => [name, evaluate(String(value))]),
        );
        if (step.run !== undefined) {
          log.push(`── ${where}\n`);
          const code = await bash(step.run, stepEnv);
          expect(code, `${where} failed:\n${log.join('')}`).toBe(0);
          // NAME=value lines, as the steps here write them.
          for (const line of readFileSync(githubEnv, 'utf8').split('\n')) {
            const match = /^(\w+)=(.*)$/.exec(line);
            if (match?.[1]) env[match[1]] = match[2] ?? '';
          }
        } else if (step.uses?.startsWith('./')) {
          const metadata = join(step.uses, 'action.yml');
          const action = loadAction(metadata);
          const main = (
            parse(readFileSync(join(ROOT, metadata), 'utf8')) as {
              runs: { main: string };
            }
          ).runs.main;
          const inputs: Record<string, string> = {};
          for (const [name, spec] of action.inputs) inputs[name] = spec.default ?? '';
          for (const [name, value] of Object.entries(step.with ?? {})) {
            inputs[name] = evaluate(String(value));
          }
          const result = await runBundled(inputs, {
            bundle: join(ROOT, dirname(metadata), main),
            env: stepEnv,
          });
          log.push(`── ${where}\n${result.stdout}${result.stderr}`);
          expect(result.code, `${where} failed:\n${log.join('')}`).toBe(0);
          if (step.id) outputs.set(step.id, result.outputs);
        } else {
          expect(step.uses, where).toMatch(/^actions\/(checkout|setup-node)@/);
        }
      }
      expect(env.SIM_URL).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(outputs.get('restore')?.status).toBe('SUCCESSFUL');
    } finally {
      // The simulator the job started in the background, as the runner stops it at the job's end.
      for (const group of groups) {
        try {
          process.kill(-group, 'SIGTERM');
        } catch {
          // That group has ended already.
        }
      }
      rmSync(temp, { recursive: true, force: true });
    }
  });
});
