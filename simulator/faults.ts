// Fault injection: a queue of faults, each used for the next `times` requests of its route.
import { DATA_ROUTES } from './scenario.ts';
import type { DataRouteName, Fault, RouteName } from './scenario.ts';

/** Whether the fault hits a request of `route` (to the endpoint of `clusterId`, if any). */
function hits(
  fault: Fault,
  route: RouteName | DataRouteName,
  clusterId: string | undefined,
): boolean {
  const endpoint = DATA_ROUTES.includes(route as never);
  const routeMatches = fault.route === route || fault.route === (endpoint ? 'collections*' : '*');
  const wanted = 'clusterId' in fault ? fault.clusterId : undefined;
  return routeMatches && (wanted === undefined || wanted === clusterId);
}

interface Pending {
  fault: Fault;
  remaining: number;
  /** Matching requests still to let through before it hits. */
  skip: number;
}

export class FaultQueue {
  private readonly pending: Pending[] = [];

  add(faults: readonly Fault[]): void {
    for (const fault of faults) {
      this.pending.push({ fault, remaining: fault.times ?? 1, skip: fault.skip ?? 0 });
    }
  }

  /**
   * The first queued fault for this route, used up once: '*' matches every control-plane route,
   * 'collections*' every endpoint route; a fault with a clusterId only that cluster's endpoint.
   */
  take(route: RouteName | DataRouteName | 'unknown', clusterId?: string): Fault | undefined {
    if (route === 'unknown') return undefined;
    const i = this.pending.findIndex((p) => {
      if (!hits(p.fault, route, clusterId)) return false;
      if (p.skip === 0) return true;
      p.skip -= 1;
      return false;
    });
    const hit = this.pending[i];
    if (!hit) return undefined;
    hit.remaining -= 1;
    if (hit.remaining <= 0) this.pending.splice(i, 1);
    return hit.fault;
  }

  /** Faults still queued, with their remaining count. */
  remaining(): { fault: Fault; remaining: number }[] {
    return this.pending.map((p) => ({ ...p }));
  }
}

export interface RawReply {
  status: number;
  contentType: string;
  body: string;
  retryAfter?: string;
}

const REASONS: Record<number, string> = {
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
  504: 'Gateway Timeout',
};

function htmlPage(status: number): string {
  const title = `${status} ${REASONS[status] ?? 'Error'}`;
  return `<html>\r\n<head><title>${title}</title></head>\r\n<body>\r\n<center><h1>${title}</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n`;
}

/** The reply of a 'status' or 'nonJson' fault (the request is not processed). */
export function faultReply(fault: Extract<Fault, { kind: 'status' | 'nonJson' }>): RawReply {
  if (fault.kind === 'nonJson') {
    const status = fault.status ?? 200;
    return { status, contentType: 'text/html', body: htmlPage(status === 200 ? 502 : status) };
  }
  const html = fault.status >= 500;
  const defaultBody = html
    ? htmlPage(fault.status)
    : JSON.stringify({ code: fault.status, message: REASONS[fault.status] ?? 'Request failed' });
  return {
    status: fault.status,
    contentType: fault.contentType ?? (html ? 'text/html' : 'application/json'),
    body: fault.body ?? defaultBody,
    ...(fault.retryAfter === undefined ? {} : { retryAfter: fault.retryAfter }),
  };
}
