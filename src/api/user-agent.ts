import pkg from '../../package.json' with { type: 'json' };

/** Sent with every request, so that Zilliz support can tell our calls apart. */
export const USER_AGENT = `zilliz-backup-action/${pkg.version} (node ${process.version})`;
