// The prune action: settings → client → workflow → report, on the suite's shared harness.
import { clientForRun } from '../api/client.ts';
import { runAction, type ActionDefinition, type HarnessOptions } from '../core/action.ts';
import { formatDuration } from '../core/deadline.ts';
import { stoppedError } from '../core/lifecycle.ts';
import { count } from '../core/words.ts';
import { describeRules, describeScope, nextSteps, publishOutputs, summarize } from './report.ts';
import { readSettings, type Settings } from './settings.ts';
import { runPrune, type PruneRecord } from './workflow.ts';

export interface RunOptions extends HarnessOptions {
  /** Replaces the per-request time limit (tests). */
  requestTimeoutMs?: number;
}

/** The prune action as the harness runs it (a fresh record each time). */
export function pruneAction(options: RunOptions = {}): ActionDefinition<Settings> {
  const record: PruneRecord = { deleted: [], failures: [] };
  return {
    title: 'Zilliz Cloud prune',
    readSettings,
    intro: (settings) =>
      `Pruning manual ${describeScope(settings)} of cluster ${settings.clusterId}: ` +
      `${describeRules(settings)} (timeout ${formatDuration(settings.timeoutMs)}) via ${settings.baseUrl}`,
    work: (run) =>
      runPrune({
        client: clientForRun(run, options.requestTimeoutMs),
        settings: run.settings,
        deadline: run.deadline,
        log: run.log,
        record,
        github: run.github,
      }),
    stopped: (reason, { settings }) =>
      stoppedError(
        reason,
        settings.timeoutMs,
        `${count(record.deleted.length, 'backup')} deleted so far`,
      ),
    publish: ({ settings }, ending) => publishOutputs({ settings, record, ...ending }),
    summarize: ({ settings }, ending) => summarize({ settings, record, ...ending }),
    nextSteps: ({ settings }, { error }) => nextSteps(error, record, settings),
  };
}

export function run(options: RunOptions = {}): Promise<void> {
  return runAction(pruneAction(options), options);
}
