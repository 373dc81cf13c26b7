// Hundreds of existing backups at once, for pruning: the `generateBackups` scenario field.
import type { ExistingBackup, GeneratedBackups } from './scenario.ts';

const DAY_MS = 86_400_000;

/**
 * `count` backups, the newest `everyMs` old and each next one `everyMs` older. With `mixed`,
 * every 7th is AUTO, every 5th a COLLECTION backup, and the newest is still CREATING; the rest
 * are MANUAL CLUSTER backups, AVAILABLE.
 */
export function generateBackups(spec: GeneratedBackups): ExistingBackup[] {
  const every = spec.everyMs ?? DAY_MS;
  return Array.from({ length: spec.count }, (_, i): ExistingBackup => {
    const n = i + 1;
    const mixed = spec.mixed === true;
    return {
      clusterId: spec.clusterId,
      creationMethod: mixed && n % 7 === 0 ? 'AUTO' : 'MANUAL',
      backupType: mixed && n % 5 === 0 ? 'COLLECTION' : 'CLUSTER',
      status: mixed && n === 1 ? 'CREATING' : 'AVAILABLE',
      ageMs: n * every,
      size: spec.size,
    };
  });
}
