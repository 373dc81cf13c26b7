// What to do about the failures every action of the suite can meet when it talks to Zilliz
// Cloud: a refused key, a cluster the key cannot see, an API that cannot be reached, a cluster
// that could not be checked with verify: true, a refusal no action explains better. Each action's report asks its own advice first, then this, then
// core/advice.ts for the endings that have nothing to do with the API (inputs, timeout, cancel).
import { ApiError, HttpStatusError, KEY_CODES, NetworkError } from './errors.ts';
import { endingAdvice, fallbackAdvice } from '../core/advice.ts';
import { CHINA_BASE_URL } from './inputs.ts';
import { NotVerifiedError } from './on-cluster.ts';

/** What an action adds to the common advice. */
export interface ActionAdvice {
  /** The action's own advice for this error, asked first. */
  own: string | undefined;
  /** What goes on in Zilliz Cloud although the step failed, added where it matters. */
  stillRunning?: string;
  /** How to give this action more time. */
  moreTime: string;
  /** The sentence for a refusal with no advice of its own, when the action knows better. */
  refused?: (code: number) => string;
}

/** One or two sentences for a common failure; undefined when it is not one. */
function commonAdvice(
  error: unknown,
  settings: { clusterId: string; baseUrl: string },
  advice: ActionAdvice,
): string | undefined {
  const running = advice.stillRunning ? ` ${advice.stillRunning}` : '';
  if (error instanceof NotVerifiedError) {
    return "The cluster could not be checked and verify is true: let the runner reach the cluster (an IP allow-list, a public endpoint), set cluster-token for a BYOC cluster, or set verify: auto to go on with the control plane's word.";
  }
  if (error instanceof ApiError) {
    if (KEY_CODES.has(error.code)) {
      return 'The API key was refused. Check that the api-key secret holds a Zilliz Cloud API key (not a cluster token) of a project admin or a role with backup privileges.';
    }
    if (error.code === 80020) {
      return `Check cluster-id (${settings.clusterId}): it must be the id of a cluster (such as in01-3e5ad8adc38a1b2, shown under the cluster's name in the console), not its name, in the API key's organization and visible to the key's role. Clusters in China regions (ali-*, tc-*) need base-url: ${CHINA_BASE_URL}.`;
    }
    return (
      advice.refused?.(error.code) ??
      `Zilliz Cloud refused the request (code ${error.code}). Quote the request id when contacting support.${running}`
    );
  }
  if (error instanceof NetworkError && error.code === 'ENOTFOUND') {
    return `The host name of ${settings.baseUrl} (or of the proxy in HTTPS_PROXY) does not exist, so the step stopped at once: check the base-url input for a typo (China regions: ${CHINA_BASE_URL}) and HTTPS_PROXY.`;
  }
  if (error instanceof HttpStatusError || error instanceof NetworkError) {
    return `Zilliz Cloud could not be reached reliably (${settings.baseUrl}). Check the base-url input, proxies (HTTPS_PROXY, NO_PROXY) and status.zilliz.com, then re-run.${running}`;
  }
  return undefined;
}

/**
 * What to do next, for any ending of any action: the action's own advice first (`own`), then the
 * common advice above, then that of the endings every action meets (inputs, timeout, cancel),
 * then the last resort. `stillRunning`: what goes on in Zilliz Cloud although the step ended;
 * `moreTime`: how to give this action more time.
 */
export function nextStepsFor(
  error: unknown,
  settings: { clusterId: string; baseUrl: string; timeoutMs: number },
  advice: ActionAdvice,
): string {
  return (
    advice.own ??
    commonAdvice(error, settings, advice) ??
    endingAdvice(error, {
      timeoutMs: settings.timeoutMs,
      stillRunning: advice.stillRunning,
      moreTime: advice.moreTime,
    }) ??
    fallbackAdvice(advice.stillRunning)
  );
}
