// The restore plan, on its own: what a collection backup's restore will do (sources, targets,
// databases), and what a cluster backup's restore needs, decided from the settings and what
// Describe backup says, before any restore is started.
import { describe, expect, it } from 'vitest';
import { InputError } from '../src/core/inputs.ts';
import { checkClusterRestore, planCollections } from '../src/restore/plan.ts';
import type { Settings } from '../src/restore/settings.ts';

function settings(over: Partial<Settings> = {}): Settings {
  return {
    apiKey: 'k',
    clusterId: 'in01-source',
    baseUrl: 'https://api.cloud.zilliz.com',
    timeoutMs: 60_000,
    backupId: 'backup1_abc',
    wait: true,
    collections: [],
    database: undefined,
    targetClusterId: 'in01-source',
    targetDatabase: undefined,
    suffix: '_restored',
    rename: new Map(),
    load: true,
    projectId: undefined,
    clusterName: undefined,
    cuSize: undefined,
    collectionStatus: 'KEEP',
    verify: 'auto',
    clusterToken: undefined,
    secrets: [],
    from: undefined,
    ledger: undefined,
    githubToken: '',
    ...over,
  };
}

function problems(decide: () => unknown): string[] {
  try {
    decide();
  } catch (error) {
    expect(error).toBeInstanceOf(InputError);
    return (error as InputError).problems;
  }
  return [];
}

describe('planCollections', () => {
  it('restores every held collection under the suffix, in the database the backup names', () => {
    expect(planCollections(settings(), ['orders', 'items'], 'shop')).toEqual({
      database: 'shop',
      targetDatabase: 'shop',
      pairs: [
        { source: 'orders', target: 'orders_restored' },
        { source: 'items', target: 'items_restored' },
      ],
    });
  });

  it('takes the chosen collections in the order given, renamed, into another database', () => {
    const plan = planCollections(
      settings({
        collections: ['items', 'orders'],
        rename: new Map([
          ['items', 'items_v2'],
          ['orders', 'orders_v2'],
        ]),
        targetDatabase: 'rollback',
      }),
      ['orders', 'items', 'users'],
      undefined,
    );
    expect(plan).toEqual({
      database: 'default',
      targetDatabase: 'rollback',
      pairs: [
        { source: 'items', target: 'items_v2' },
        { source: 'orders', target: 'orders_v2' },
      ],
    });
  });

  it('names every problem at once: missing sources, cluster-only inputs, a bad target name', () => {
    const found = problems(() =>
      planCollections(
        settings({
          collections: ['orders', 'ghost'],
          projectId: 'proj-1',
          suffix: '_' + 'x'.repeat(255),
          database: 'other',
        }),
        ['orders'],
        'shop',
      ),
    );
    expect(found).toEqual([
      expect.stringMatching(/^project-id: only for a cluster backup/),
      expect.stringMatching(/^database: "other" is not the backup's database \("shop"\)/),
      expect.stringMatching(/^collections: backup backup1_abc holds no "ghost"/),
      expect.stringMatching(/is longer than 255 characters$/),
    ]);
  });

  it('refuses wait: false for more than one collection', () => {
    expect(problems(() => planCollections(settings({ wait: false }), ['a', 'b'], 'd'))).toEqual([
      expect.stringMatching(/^wait: false is accepted only with a single collection/),
    ]);
  });
});

describe('checkClusterRestore', () => {
  it('needs project-id and cluster-name, and refuses the collection inputs', () => {
    expect(
      problems(() =>
        checkClusterRestore(settings({ collections: ['orders'], targetDatabase: 'x' })),
      ),
    ).toEqual([
      expect.stringMatching(/^project-id: is required/),
      expect.stringMatching(/^cluster-name: is required/),
      expect.stringMatching(/^collections: only for a collection backup/),
      expect.stringMatching(/^target-database: only for a collection backup/),
    ]);
  });

  it('returns the new cluster to make', () => {
    expect(
      checkClusterRestore(settings({ projectId: 'proj-1', clusterName: 'rollback-1' })),
    ).toEqual({ projectId: 'proj-1', clusterName: 'rollback-1' });
  });
});
