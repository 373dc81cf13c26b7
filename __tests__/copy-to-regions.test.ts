// copy-to-regions, end to end through the bundled action: the regions reach the create request
// as crossRegionCopies and are named in the job summary; a bad region id stops the step before
// any request.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Inputs } from '../scripts/runner.ts';
import { expectExit, runBundled } from './helpers/children.ts';
import { DEFAULT_CLUSTER_ID, startSimulator, type Simulator } from '../simulator/server.ts';

let sim: Simulator;
beforeEach(async () => {
  sim = await startSimulator({ scenario: { jobDurationMs: 500 } });
});
afterEach(async () => {
  await sim.close();
});

const inputs = (extra: Inputs): Inputs => ({
  'api-key': sim.apiKey,
  'cluster-id': DEFAULT_CLUSTER_ID,
  'base-url': sim.url,
  timeout: '1m',
  ...extra,
});

describe('copy-to-regions', () => {
  it('asks for a copy in each region and names them in the summary', async () => {
    const result = await runBundled(
      inputs({ 'copy-to-regions': 'aws-us-east-1\naws-eu-central-1, aws-us-east-1\n' }),
    );
    expect(result.stderr).toBe('');
    expectExit(result, 0);
    const create = sim.requests.find((request) => request.route === 'createBackup');
    expect(create?.body).toEqual({
      backupType: 'CLUSTER',
      crossRegionCopies: [{ regionId: 'aws-us-east-1' }, { regionId: 'aws-eu-central-1' }],
    });
    expect(result.summary).toContain(
      '<td>Copies in regions</td><td>aws-us-east-1, aws-eu-central-1</td>',
    );
  });

  it('sends no crossRegionCopies when empty (the default)', async () => {
    const result = await runBundled(inputs({}));
    expectExit(result, 0);
    const create = sim.requests.find((request) => request.route === 'createBackup');
    expect(create?.body).toEqual({ backupType: 'CLUSTER' });
    expect(result.summary).not.toContain('Copies in regions');
  });

  it('refuses a region that is not a region id, before any request', async () => {
    const result = await runBundled(inputs({ 'copy-to-regions': 'US East' }));
    expectExit(result, 1);
    expect(result.stdout).toContain('copy-to-regions: "US East" is not a region id');
    expect(sim.requests).toHaveLength(0);
  });
});
