// The version is written here, not imported from package.json: a bundle that imported it would
// carry the whole of package.json (scripts, dev dependencies) and go stale with every edit of
// it. A test holds it equal to package.json's version, and the release script reads that.
export const VERSION = '1.0.0';

/** Sent with every request, so that Zilliz support can tell our calls apart. */
export const USER_AGENT = `zilliz-backup-action/${VERSION} (node ${process.version})`;
