// The shape of every id the action puts in a URL path or writes as an output. Ids from the server
// are checked here before use: one that does not fit is a clear error, never a path segment or a
// multi-line output.
import { requireString, type Reply } from './reply.ts';

/** Cluster ids, e.g. in01-3e5ad8adc38a1b2: letters, digits and hyphens. */
export const CLUSTER_ID = /^[A-Za-z0-9-]+$/;
/** Backup ids (backup0_c7b18539b97…) and job ids (job-031a8e3587ba7…). */
export const SERVER_ID = /^[A-Za-z0-9][A-Za-z0-9_-]{0,127}$/;

const ID_SHAPE = {
  pattern: SERVER_ID,
  description: 'an id (letters, digits, "_" and "-", at most 128)',
};

/** The id in `field` of a reply, checked against SERVER_ID. */
export function requireId(reply: Reply, field: string, label: string): string {
  return requireString(reply, field, label, ID_SHAPE);
}
