// Whose backup is it, server text as data, and success meaning a usable backup: against the
// simulator over real HTTP, in process and as the runner runs the bundle.
import { describe, expect, it } from 'vitest';
import type { Inputs } from '../scripts/runner.ts';
import { runInProcess } from './helpers/inprocess.ts';
import { jsonReply, useSimulator } from './helpers/sim.ts';

const sim = useSimulator({ jobDurationMs: 400 });

const requests = (route: string) => sim().requests.filter((r) => r.route === route);
const manualBackups = () =>
  sim()
    .backups()
    .filter((b) => b.creationMethod === 'MANUAL');
const namesOf = (backupId: string | undefined) =>
  sim()
    .backups()
    .find((b) => b.backupId === backupId)
    ?.collections.flatMap((c) => c.collectionNames);

const orders: Inputs = { 'backup-type': 'COLLECTION', collections: 'orders' };
const otherCollections = {
  backupType: 'COLLECTION' as const,
  collections: [{ dbName: 'default', collectionNames: ['items', 'users'] }],
};

describe('whose backup is it', () => {
  it('does not adopt another workflow backup when its own create never reached the server', async () => {
    // Another workflow's backup of other collections appears, and our create is reset unprocessed.
    sim().configure({
      faults: [
        {
          route: 'createBackup',
          kind: 'foreignBackup',
          backup: { ...otherCollections, status: 'CREATING', finishAfterMs: 300 },
          then: 'reset',
        },
      ],
    });
    const result = await runInProcess(sim(), orders);
    expect(result.failed).toBe(false);
    expect(manualBackups()).toHaveLength(2);
    const foreign = manualBackups().find((b) => b.collections[0]?.collectionNames[0] === 'items');
    expect(result.outputs.backupId).not.toBe(foreign?.backupId);
    expect(namesOf(result.outputs.backupId)).toEqual(['orders']);
    expect(result.outputs.jobId).toBe(sim().jobs()[0]?.jobId);
    expect(result.stdout).not.toContain('it is ours');
    // Our create was made again (after waiting for the foreign one if it still ran).
    expect(requests('createBackup').length).toBeGreaterThanOrEqual(2);
  });

  it('adopts its own backup, not the other workflow one, after a lost reply', async () => {
    sim().configure({
      faults: [
        {
          route: 'createBackup',
          kind: 'foreignBackup',
          backup: { ...otherCollections, status: 'AVAILABLE' },
          then: 'commitThenDrop',
        },
      ],
    });
    const result = await runInProcess(sim(), orders);
    expect(result.failed).toBe(false);
    expect(requests('createBackup')).toHaveLength(1);
    expect(manualBackups()).toHaveLength(2);
    expect(namesOf(result.outputs.backupId)).toEqual(['orders']);
    expect(result.outputs.jobId).toBeUndefined();
    expect(result.outputs.status).toBe('SUCCESSFUL');
    expect(JSON.parse(result.outputs.collections ?? '')).toEqual([
      { dbName: 'default', collectionNames: ['orders'] },
    ]);
  });

  it('reports UNKNOWN and creates nothing more when two new backups match the request', async () => {
    sim().configure({
      faults: [
        {
          route: 'createBackup',
          kind: 'foreignBackup',
          backup: {
            backupType: 'COLLECTION',
            collections: [{ dbName: 'default', collectionNames: ['orders'] }],
            status: 'AVAILABLE',
          },
          then: 'commitThenDrop',
        },
      ],
    });
    const result = await runInProcess(sim(), orders);
    expect(result.failed).toBe(true);
    expect(requests('createBackup')).toHaveLength(1);
    expect(result.outputs.status).toBe('UNKNOWN');
    expect(result.outputs.backupId).toBeUndefined();
    const ids = manualBackups().map((b) => b.backupId);
    expect(result.stdout).toMatch(/::error::.*2 new backups match this request/);
    for (const id of ids) expect(result.summary).toContain(id);
    expect(result.summary).toContain('Backups that may be ours');
  });

  it('creates again when the backup that made the cluster busy has finished by the next list', async () => {
    sim().configure({
      faults: [
        {
          route: 'createBackup',
          kind: 'foreignBackup',
          backup: { ...otherCollections, status: 'AVAILABLE' },
          then: 'busy',
        },
      ],
    });
    const result = await runInProcess(sim(), orders);
    expect(result.failed).toBe(false);
    expect(requests('createBackup')).toHaveLength(2);
    expect(namesOf(result.outputs.backupId)).toEqual(['orders']);
    expect(result.stdout).toContain('it has finished: creating ours again');
  });

  it.each([
    ['"code": 0 without data', '{"code":0}'],
    ['data without any id', '{"code":0,"data":{}}'],
  ])('finds the backup of a create answered with %s', async (_, body) => {
    sim().configure({ faults: [{ route: 'createBackup', kind: 'commitThenReply', body }] });
    const result = await runInProcess(sim(), orders);
    expect(result.failed).toBe(false);
    expect(requests('createBackup')).toHaveLength(1);
    expect(result.outputs.backupId).toBe(manualBackups()[0]?.backupId);
    expect(result.outputs.status).toBe('SUCCESSFUL');
    expect(result.stdout).toContain('accepted our create without naming the backup');
  });

  it('watches the backup itself when the create reply names no job and no name', async () => {
    sim().configure({
      faults: [{ route: 'createBackup', kind: 'commitThenReply', omit: ['jobId', 'backupName'] }],
    });
    const result = await runInProcess(sim(), {});
    expect(result.failed).toBe(false);
    expect(result.outputs.backupId).toBe(manualBackups()[0]?.backupId);
    expect(result.outputs.jobId).toBeUndefined();
    expect(result.outputs.status).toBe('SUCCESSFUL');
    expect(requests('describeJob')).toHaveLength(0);
  });
});

describe('business codes of the v2 table', () => {
  it.each([
    [96008, 'final', 1],
    [96037, 'final', 1],
    [96038, 'possibly busy: the list is checked', 2],
  ])('sorts a create refused with %i as %s', async (code, _, lists) => {
    sim().configure({
      faults: [{ route: 'createBackup', kind: 'businessError', code, message: 'Refused.' }],
    });
    const result = await runInProcess(sim(), {});
    expect(result.failed).toBe(true);
    expect(result.stdout).toContain(`error ${code}: Refused.`);
    expect(requests('listBackups')).toHaveLength(lists);
    expect(requests('createBackup')).toHaveLength(1);
  });
});

describe('success means a usable backup', () => {
  it('outputs the backed-up collections of a collection backup', async () => {
    const result = await runInProcess(sim(), {
      'backup-type': 'COLLECTION',
      collections: 'orders, items',
      database: 'shop',
    });
    expect(result.failed).toBe(false);
    expect(JSON.parse(result.outputs.collections ?? '')).toEqual([
      { dbName: 'shop', collectionNames: ['orders', 'items'] },
    ]);
    expect(result.summary).toContain('Backed-up collections');
  });

  it('fails, saying what is missing, when the backup lacks a requested collection', async () => {
    sim().configure({
      faults: [
        jsonReply('describeBackup', {
          code: 0,
          data: {
            backupId: 'backup1_x',
            status: 'AVAILABLE',
            backupType: 'COLLECTION',
            collections: [{ collectionName: 'orders' }],
          },
        }),
      ],
    });
    const result = await runInProcess(sim(), {
      'backup-type': 'COLLECTION',
      collections: 'orders, items',
    });
    expect(result.failed).toBe(true);
    expect(result.outputs.status).toBe('FAILED');
    expect(result.outputs.collections).toBeUndefined();
    expect(result.stdout).toMatch(
      /::error::backup \S+ is AVAILABLE but does not hold collection items of database default/,
    );
  });

  it('sets status UNKNOWN when the job cannot be read to its end', async () => {
    sim().configure({
      faults: [
        { route: 'describeJob', kind: 'businessError', code: 96026, message: 'Job not found.' },
      ],
    });
    const result = await runInProcess(sim(), {});
    expect(result.failed).toBe(true);
    expect(result.outputs.backupId).toBe(manualBackups()[0]?.backupId);
    expect(result.outputs.status).toBe('UNKNOWN');
    expect(requests('describeJob')).toHaveLength(1);
  });
});
