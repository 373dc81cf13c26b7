// A fresh simulator for every test of a file, and a builder for hand-written replies.
import { afterEach, beforeEach } from 'vitest';
import {
  startSimulator,
  type Fault,
  type RouteName,
  type ScenarioInput,
  type Simulator,
} from '../../simulator/server.ts';

/** Starts a simulator before each test and closes it after; call the result to get it. */
export function useSimulator(scenario: ScenarioInput = {}): () => Simulator {
  let sim: Simulator | undefined;
  beforeEach(async () => {
    sim = await startSimulator({ scenario });
  });
  afterEach(async () => {
    await sim?.close();
  });
  return () => {
    if (!sim) throw new Error('the simulator is only available inside a test');
    return sim;
  };
}

/** An HTTP 200 JSON reply with this exact body, for the next `times` requests of `route`. */
export function jsonReply(route: RouteName, body: unknown, times = 1): Fault {
  return {
    route,
    times,
    kind: 'status',
    status: 200,
    contentType: 'application/json',
    body: typeof body === 'string' ? body : JSON.stringify(body),
  };
}

/** For tests that each start their own simulator: `start(scenario)` in the test, closed after it. */
export function simulatorPerTest(): (scenario: ScenarioInput) => Promise<Simulator> {
  let sim: Simulator | undefined;
  afterEach(async () => {
    await sim?.close();
    sim = undefined;
  });
  return async (scenario) => {
    sim = await startSimulator({ scenario });
    return sim;
  };
}
