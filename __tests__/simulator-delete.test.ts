// The simulator's Delete backup route and generated backlogs, over real HTTP, and the client's
// deleteBackup on top of it.
import { describe, expect, it } from 'vitest';
import { ApiError } from '../src/api/errors.ts';
import { DEFAULT_CLUSTER_ID as CLUSTER, type Simulator } from '../simulator/server.ts';
import { simulatorPerTest } from './helpers/sim.ts';
import { clientFor } from './helpers/client.ts';

const start = simulatorPerTest();

async function del(s: Simulator, backupId: string): Promise<{ status: number; json: unknown }> {
  const res = await fetch(`${s.url}/v2/clusters/${CLUSTER}/backups/${backupId}`, {
    method: 'DELETE',
    headers: { authorization: `Bearer ${s.apiKey}` },
  });
  return { status: res.status, json: await res.json() };
}

describe('Delete backup in the simulator', () => {
  it('deletes a manual backup: {backupId, backupName}, then DELETED and out of the list', async () => {
    const s = await start({ existingBackups: [{ backupId: 'm1', creationMethod: 'MANUAL' }] });
    const reply = await del(s, 'm1');
    expect(reply).toMatchObject({ status: 200, json: { code: 0, data: { backupId: 'm1' } } });
    expect((reply.json as { data: { backupName: string } }).data.backupName).toMatch(/_backup1$/);
    const { client, close } = clientFor(s);
    try {
      expect((await client.backups.describe(CLUSTER, 'm1')).status).toBe('DELETED');
      expect(await client.backups.list(CLUSTER)).toEqual([]);
    } finally {
      await close();
    }
  });

  it('refuses unknown, repeated, automatic and creating ones (see quirks.ts)', async () => {
    const s = await start({
      existingBackups: [
        { backupId: 'm1', creationMethod: 'MANUAL' },
        { backupId: 'a1', creationMethod: 'AUTO' },
        { backupId: 'c1', creationMethod: 'MANUAL', status: 'CREATING' },
      ],
    });
    await del(s, 'm1');
    for (const id of ['nope', 'm1', 'a1', 'c1']) {
      const reply = await del(s, id);
      expect(reply.status, id).toBe(200);
      expect((reply.json as { code: number }).code, id).not.toBe(0);
    }
    expect(s.backups().map((b) => b.status)).toEqual(['DELETED', 'AVAILABLE', 'CREATING']);
  });

  it('gives the client a typed reply, and an ApiError with the reason when refused', async () => {
    const s = await start({ existingBackups: [{ backupId: 'm1', creationMethod: 'MANUAL' }] });
    const { client, close } = clientFor(s);
    try {
      expect(await client.backups.delete(CLUSTER, 'm1')).toMatchObject({ backupId: 'm1' });
      const error = await client.backups.delete(CLUSTER, 'm1').catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ApiError);
      expect((error as ApiError).serverMessage).toContain('m1 does not exist');
    } finally {
      await close();
    }
    expect(s.requests.map((r) => r.method)).toEqual(['DELETE', 'DELETE']);
  });
});

describe('generated backups', () => {
  it('makes hundreds of backups of mixed methods, types and states, one a day back', async () => {
    const s = await start({ generateBackups: { count: 300, mixed: true } });
    const backups = s.backups();
    expect(backups).toHaveLength(300);
    const count = (pick: (b: (typeof backups)[number]) => boolean): number =>
      backups.filter(pick).length;
    expect(count((b) => b.creationMethod === 'AUTO')).toBe(42);
    expect(count((b) => b.backupType === 'COLLECTION')).toBe(60);
    expect(count((b) => b.status === 'CREATING')).toBe(1);
    const ages = backups.map((b) => Date.now() - Date.parse(b.createTime));
    expect(Math.min(...ages)).toBeGreaterThan(86_000_000);
    expect(Math.max(...ages)).toBeGreaterThan(299 * 86_400_000);
  });
});
