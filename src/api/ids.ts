// The shapes of every id and name the suite puts in a URL path, a request body or an output:
// the ids the server sends are checked here before use (one that does not fit is a clear error,
// never a path segment or a multi-line output), and the inputs that name ids or names are checked
// against the same shapes before any request. No pattern is published: these follow the
// examples and error tables in the reference.
import { requireString, type Reply } from './reply.ts';

/** Cluster ids, e.g. in01-3e5ad8adc38a1b2: letters, digits and hyphens. */
export const CLUSTER_ID = /^[A-Za-z0-9-]+$/;
/** Backup ids (backup0_c7b18539b97…) and job ids (job-031a8e3587ba7…), as the server sends them. */
export const SERVER_ID = /^[A-Za-z0-9][A-Za-z0-9_-]{0,127}$/;
/** A backup id as an input names it (backup-id, protect). */
export const BACKUP_ID = /^[A-Za-z0-9_-]+$/;
/** Project ids, e.g. proj-4487580fcfe2c8a4391686. */
export const PROJECT_ID = /^[A-Za-z0-9_-]+$/;
/** A new cluster's name: letters, digits and hyphens (v2 error 96010), at most 64 characters. */
export const CLUSTER_NAME = /^[A-Za-z0-9][A-Za-z0-9-]{0,63}$/;

/** The database a collection is in when none is named. */
export const DEFAULT_DATABASE = 'default';

/** Collection and database names (the Milvus rule). */
const MILVUS_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
export const MAX_NAME_LENGTH = 255;

const ID_SHAPE = {
  pattern: SERVER_ID,
  description: 'an id (letters, digits, "_" and "-", at most 128)',
};

/** The id in `field` of a reply, checked against SERVER_ID. */
export function requireId(reply: Reply, field: string, label: string): string {
  return requireString(reply, field, label, ID_SHAPE);
}

/** Is `name` a valid collection or database name (the Milvus rule)? Returns the problem, if any. */
export function nameProblem(name: string): string | undefined {
  if (name.length > MAX_NAME_LENGTH) return `is longer than ${MAX_NAME_LENGTH} characters`;
  if (!MILVUS_NAME.test(name)) {
    return (
      'is not a valid name (letters, digits and underscores; ' +
      'the first character a letter or an underscore)'
    );
  }
  return undefined;
}
