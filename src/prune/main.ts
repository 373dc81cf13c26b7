// The prune action: settings → client → workflow → report, on the suite's shared harness.
import { clientForRun } from '../api/client.ts';
import { runAction, type ActionRun, type HarnessOptions } from '../core/action.ts';
import { DeadlineExceededError, formatDuration } from '../core/deadline.ts';
import { errorMessage } from '../core/errors.ts';
import { describeRules, describeScope, publishOutputs, writeReport } from './report.ts';
import { readSettings, type Settings } from './settings.ts';
import { runPrune, type PruneRecord } from './workflow.ts';

export interface RunOptions extends HarnessOptions {
  /** Replaces the per-request time limit (tests). */
  requestTimeoutMs?: number;
}

export async function run(options: RunOptions = {}): Promise<void> {
  const record: PruneRecord = { deleted: [], failures: [] };
  await runAction<Settings>(
    {
      readSettings,
      work: async ({ settings, log, deadline, http }: ActionRun<Settings>) => {
        const client = clientForRun({ settings, deadline, log, http }, options.requestTimeoutMs);
        log.info(
          `Pruning manual ${describeScope(settings)} of cluster ${settings.clusterId}: ` +
            `${describeRules(settings)} (timeout ${formatDuration(settings.timeoutMs)}) via ${settings.baseUrl}`,
        );
        await runPrune({ client, settings, deadline, log, record });
      },
      stopped: (reason, { settings }) => {
        const done = `${record.deleted.length} backups deleted so far`;
        if (reason === 'cancelled') return new Error(`The step was cancelled: ${done}`);
        return new DeadlineExceededError(
          `The step outlived its ${formatDuration(settings.timeoutMs)} timeout and was stopped: ${done}`,
        );
      },
      report: async ({ settings, log }, { error, cancelled, elapsedMs }) => {
        const input = { settings, record, elapsedMs, error, cancelled };
        publishOutputs(input);
        await writeReport(input, log);
      },
      failure: (_run, { error }) =>
        `${errorMessage(error)}\n${record.deleted.length} backups were deleted before the step ended; ` +
        'the others are untouched. Re-run to go on (nothing is deleted twice).',
    },
    options,
  );
}
