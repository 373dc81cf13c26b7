// `npm run local-action [-- path/to/.env]`: runs the action's source (src/backup/main.ts, no build) with
// GitHub's @github/local-action, which stubs @actions/core and reads inputs from a dotenv file
// (.env.example by default). When that file's INPUT_BASE-URL is a loopback http:// URL, the
// Zilliz Cloud simulator is started on its port first and stopped afterwards; any other
// base-url (with a real key in your own, uncommitted .env) is used as it is. Port 0 starts the
// simulator on any free port (the tests do that, so that two runs never want the same port), and
// local-action is then given a copy of the file with the simulator's actual address.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { startSimulator, type Simulator } from '../simulator/server.ts';

const ROOT = join(import.meta.dirname, '..');
const envFile = resolve(process.argv[2] ?? join(ROOT, '.env.example'));
const BIN = join(ROOT, 'node_modules', '.bin', 'local-action');

if (!existsSync(envFile)) {
  console.error(`${envFile} does not exist.`);
  process.exit(2);
}
if (!existsSync(BIN)) {
  console.error(`${BIN} is missing: run npm ci first.`);
  process.exit(2);
}

/** KEY=value lines, as dotenv reads them (quotes removed, comments skipped). */
function readDotenv(file: string): Record<string, string> {
  const values: Record<string, string> = {};
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    const match = /^\s*(?:export\s+)?([\w.-]+)\s*=\s*(.*?)\s*$/.exec(line);
    if (match?.[1]) values[match[1]] = (match[2] ?? '').replace(/^(['"])(.*)\1$/, '$2');
  }
  return values;
}

const settings = readDotenv(envFile);

let sim: Simulator | undefined;
const baseUrl = settings['INPUT_BASE-URL'] ?? '';
const local = /^http:\/\/(127\.0\.0\.1|localhost):(\d+)\/?$/.exec(baseUrl);
if (local) {
  try {
    sim = await startSimulator({ port: Number(local[2]), scenario: { jobDurationMs: 4_000 } });
  } catch (error) {
    console.error(
      `Could not start the simulator on port ${local[2]} (from INPUT_BASE-URL in ${envFile}): ` +
        `${(error as Error).message}`,
    );
    process.exit(2);
  }
  console.log(`Zilliz Cloud simulator on ${sim.url} (api key ${sim.apiKey})`);
}

// The job summary goes to GITHUB_STEP_SUMMARY from the dotenv file (relative to the repository).
const summaryFile = settings.GITHUB_STEP_SUMMARY
  ? resolve(ROOT, settings.GITHUB_STEP_SUMMARY)
  : undefined;
if (summaryFile) {
  mkdirSync(dirname(summaryFile), { recursive: true });
  writeFileSync(summaryFile, '');
}

// local-action reads the file itself, and its values win over the environment's.
let runFile = envFile;
let copyDir: string | undefined;
if (sim && local?.[2] === '0') {
  copyDir = mkdtempSync(join(tmpdir(), 'zilliz-local-action-'));
  runFile = join(copyDir, '.env');
  writeFileSync(
    runFile,
    readFileSync(envFile, 'utf8').replace(
      /^(\s*(?:export\s+)?INPUT_BASE-URL\s*=).*$/m,
      `$1${sim.url}`,
    ),
  );
}

const child = spawn(BIN, ['run', ROOT, 'src/backup/main.ts', runFile], {
  cwd: ROOT,
  stdio: ['ignore', 'pipe', 'inherit'],
});
// local-action reports a failed step (core.setFailed) in its output, not in its exit code.
let failed = false;
child.stdout.on('data', (chunk: Buffer) => {
  const text = chunk.toString();
  if (/^::error::/m.test(text)) failed = true;
  process.stdout.write(text);
});
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => child.kill(signal));
}
const code = await new Promise<number | null>((done) => child.on('close', done));
await sim?.close();
if (copyDir) rmSync(copyDir, { recursive: true, force: true });

if (summaryFile && existsSync(summaryFile)) {
  console.log(`\nJob summary (${summaryFile}):\n${readFileSync(summaryFile, 'utf8').trim()}`);
}
process.exitCode = code !== 0 ? (code ?? 1) : failed ? 1 : 0;
