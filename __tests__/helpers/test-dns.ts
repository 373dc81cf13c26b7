// Stands in for DNS in the proxy tests: every name under zilliz.test resolves to 127.0.0.1, in
// the process that imports this module (the forward proxy, or the action through
// NODE_OPTIONS=--import). Other names resolve as usual.
import dns from 'node:dns';

export const TEST_DOMAIN = 'zilliz.test';

const systemLookup = dns.lookup;

function isTestName(hostname: string): boolean {
  const name = hostname.toLowerCase().replace(/\.$/, '');
  return name === TEST_DOMAIN || name.endsWith(`.${TEST_DOMAIN}`);
}

dns.lookup = ((hostname: string, options: unknown, callback?: unknown) => {
  const done = (typeof options === 'function' ? options : callback) as (
    error: Error | null,
    address: string | dns.LookupAddress[],
    family?: number,
  ) => void;
  if (!isTestName(hostname)) {
    return (systemLookup as (...args: unknown[]) => void)(hostname, options, callback);
  }
  const all = typeof options === 'object' && options !== null && 'all' in options && options.all;
  process.nextTick(() =>
    all ? done(null, [{ address: '127.0.0.1', family: 4 }]) : done(null, '127.0.0.1', 4),
  );
}) as typeof dns.lookup;
