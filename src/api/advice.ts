// What to do about the failures every action of the suite can meet: a refused key, a cluster the
// key cannot see, an API that cannot be reached. Each action adds its own advice on top.
import { ApiError, HttpStatusError, NetworkError } from './errors.ts';

const KEY_CODES = new Set([21119, 80001, 80002]);

/** One or two sentences for a common failure; undefined when the action must say more itself. */
export function commonAdvice(
  error: unknown,
  settings: { clusterId: string; baseUrl: string },
): string | undefined {
  if (error instanceof ApiError) {
    if (KEY_CODES.has(error.code)) {
      return 'The API key was refused. Check that the api-key secret holds a Zilliz Cloud API key (not a cluster token) of a project admin or a role with backup privileges.';
    }
    if (error.code === 80020) {
      return `Check cluster-id (${settings.clusterId}): it must be a cluster of the API key's organization, visible to the key's role.`;
    }
  }
  if (error instanceof HttpStatusError || error instanceof NetworkError) {
    return `Zilliz Cloud could not be reached reliably (${settings.baseUrl}). Check the base-url input, proxies (HTTPS_PROXY, NO_PROXY) and status.zilliz.com, then re-run.`;
  }
  return undefined;
}
