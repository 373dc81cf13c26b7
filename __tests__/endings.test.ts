// Every action ends every way with the same shape: an input error gets a summary and a "What to
// do next" line before any request; the watchdog and a cancellation get the timeout and cancel
// advice, whatever the action was doing; a refused key gets the same advice everywhere.
import { describe, expect, it } from 'vitest';
import { DEFAULT_CLUSTER_ID } from '../simulator/server.ts';
import { actionNamed, bundlePath } from '../scripts/actions.ts';
import type { Inputs } from '../scripts/runner.ts';
import { expectExit, runBundled } from './helpers/children.ts';
import { backupAction } from '../src/backup/main.ts';
import { pruneAction } from '../src/prune/main.ts';
import { restoreAction } from '../src/restore/main.ts';
import type { ActionDefinition, ActionRun, BaseSettings } from '../src/core/action.ts';
import { Deadline, DeadlineExceededError } from '../src/core/deadline.ts';
import { StepCancelledError } from '../src/core/lifecycle.ts';
import { testLog } from './helpers/client.ts';
import { setInputs } from './helpers/env.ts';
import { useSimulator } from './helpers/sim.ts';

const sim = useSimulator();

const ACTIONS = [
  {
    name: 'backup' as const,
    definition: backupAction as () => ActionDefinition<BaseSettings>,
    inputs: {} as Inputs,
  },
  {
    name: 'restore' as const,
    definition: restoreAction as () => ActionDefinition<BaseSettings>,
    inputs: { 'backup-id': 'backup1_0a1b2c3d4e5f6a7' } as Inputs,
  },
  {
    name: 'prune' as const,
    definition: pruneAction as () => ActionDefinition<BaseSettings>,
    inputs: {} as Inputs,
  },
];

describe.each(ACTIONS)('the $name action', ({ name, definition, inputs }) => {
  const bundle = bundlePath(actionNamed(name));

  it('on an input error: the summary says nothing was done, and what to do next', async () => {
    const result = await runBundled(
      { 'api-key': sim().apiKey, 'cluster-id': 'not an id!', 'base-url': sim().url, ...inputs },
      { bundle },
    );
    expectExit(result, 1);
    expect(sim().requests).toHaveLength(0);
    expect(result.summary).toContain('invalid input, nothing was done');
    expect(result.summary).toContain('What happened');
    expect(result.summary).toContain('cluster-id: &quot;not an id!&quot;');
    expect(result.summary).toContain('What to do next');
    expect(result.stdout).toMatch(
      /::error::Invalid input: cluster-id: .*%0AFix the inputs named above/,
    );
  });

  it('on a refused key: the same advice as the other actions', async () => {
    const result = await runBundled(
      {
        'api-key': 'not-the-key',
        'cluster-id': DEFAULT_CLUSTER_ID,
        'base-url': sim().url,
        ...inputs,
      },
      { bundle },
    );
    expectExit(result, 1);
    expect(result.summary).toContain('The API key was refused');
    expect(result.summary).not.toContain('Re-run to go on');
  });

  /** The action's definition with its settings read from these inputs, and a run around them. */
  function prepared(): { action: ActionDefinition<BaseSettings>; run: ActionRun<BaseSettings> } {
    const undo = setInputs({
      'api-key': 'k-0123456789',
      'cluster-id': DEFAULT_CLUSTER_ID,
      timeout: '45m',
      ...inputs,
    });
    try {
      const action = definition();
      const settings = action.readSettings();
      const lines: string[] = [];
      const http = {
        request: () => Promise.reject(new Error('no requests here')),
        destroy: () => {},
      };
      const run = {
        settings,
        log: testLog(lines),
        deadline: new Deadline(settings.timeoutMs),
        http,
        openHttp: () => http,
        github: () => Promise.reject(new Error('no GitHub here')),
        startedAt: Date.now(),
        addSecret: () => undefined,
      };
      return { action, run };
    } finally {
      undo();
    }
  }

  it('when the watchdog stops it: a timeout error, and the timeout advice', () => {
    const { action, run } = prepared();
    const error = action.stopped('watchdog', run);
    expect(error).toBeInstanceOf(DeadlineExceededError);
    expect(error.message).toContain('outlived its 45m timeout');
    const next = action.nextSteps(run, { error, cancelled: false, elapsedMs: 1 });
    expect(next).toContain('The step ran out of its 45m timeout.');
    expect(next).not.toContain('Read the error above');
  });

  it('when the runner cancels it: a cancellation error, and the cancel advice', () => {
    const { action, run } = prepared();
    const error = action.stopped('cancelled', run);
    expect(error).toBeInstanceOf(StepCancelledError);
    const next = action.nextSteps(run, { error, cancelled: true, elapsedMs: 1 });
    expect(next).toContain('The run was cancelled.');
  });
});
