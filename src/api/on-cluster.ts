// Looking on the cluster itself: a check run on a cluster's own endpoint, under the `verify`
// input. `auto`: check when the endpoint can be reached; when it cannot (no address, a private
// link only, refused, no answer in time, credentials refused), the control plane's verdict
// stands and the step says "not verified" and why. `true`: not being able to check fails the
// step. `false`: no check, no request.
//
// The checks share the step's deadline, proxy rules and redaction, and have a budget of their
// own within it (CHECK_BUDGET_MS, and never more than a quarter of the time left), so that an
// endpoint that never answers costs a bounded part of the timeout, never all of it.
import { Deadline, DeadlineExceededError, formatDuration } from '../core/deadline.ts';
import { errorMessage, namedError } from '../core/errors.ts';
import type { HttpClient } from '../core/http.ts';
import { isLoopback } from '../core/inputs.ts';
import type { Log } from '../core/log.ts';
import { clusterEndpoint, MILVUS_ENVELOPE, type ClusterEndpoint } from './cluster-endpoint.ts';
import type { ClusterEndpoints } from './clusters.ts';
import { ApiError, HttpStatusError, MalformedReplyError, NetworkError } from './errors.ts';
import { Transport } from './transport.ts';

export type VerifyMode = 'auto' | 'true' | 'false';

/** How long the checks of one cluster may take at most, within the step's timeout. */
const CHECK_BUDGET_MS = 30_000;
/** A check request gets this long; an endpoint that hangs is tried this many times in all. */
const CHECK_REQUEST_TIMEOUT_MS = 10_000;
const CHECK_ATTEMPTS = 3;
/** Milvus' code for a token it does not accept. */
const MILVUS_NOT_AUTHENTICATED = 1800;

/** What a check found, or why it could not look. */
export type Seen<T> = { seen: true; value: T } | { seen: false; why: string };

/** With verify: true, a check that could not be made. */
export class NotVerifiedError extends namedError('NotVerifiedError') {}

export interface OnClusterOptions {
  mode: VerifyMode;
  log: Log;
  deadline: Deadline;
  /** The control plane, for a cluster's address. */
  clusters: ClusterEndpoints;
  /** A connection pool for another origin (the route decided by the same proxy rules). */
  openHttp: (origin: string) => HttpClient;
  userAgent: string;
}

export interface CheckOn {
  clusterId: string;
  /** The Bearer token: the API key, a cluster-token, or a new cluster's db_admin:password. */
  token: string;
  /** Where the token comes from, for the message when it is refused. */
  tokenIs: string;
  /** "collection orders_restored in database shop": what the check is about. */
  what: string;
}

/** A check on `clusterId` with the cluster-token when one is given, else the API key. */
export function checkWithInputs(
  inputs: { apiKey: string; clusterToken: string | undefined },
  clusterId: string,
  what: string,
): CheckOn {
  return {
    clusterId,
    token: inputs.clusterToken ?? inputs.apiKey,
    tokenIs: inputs.clusterToken ? 'the cluster-token' : 'the API key',
    what,
  };
}

export class OnCluster {
  /** One connection pool per endpoint, kept from one check to the next. */
  private readonly pools = new Map<string, HttpClient>();
  /** Each cluster's endpoint once Describe cluster gave a usable one: it does not move. */
  private readonly origins = new Map<string, string>();
  private readonly options: OnClusterOptions;

  constructor(options: OnClusterOptions) {
    this.options = options;
  }

  get mode(): VerifyMode {
    return this.options.mode;
  }

  /**
   * Runs `check` on the cluster's endpoint: what it found, or (auto) why it could not look,
   * said in the log. Throws NotVerifiedError when verify is true and it could not look, and
   * DeadlineExceededError when the step's own time is up.
   */
  async check<T>(on: CheckOn, check: (endpoint: ClusterEndpoint) => Promise<T>): Promise<Seen<T>> {
    const { mode, log } = this.options;
    if (mode === 'false') return { seen: false, why: 'verify is false' };
    let why: string;
    try {
      return { seen: true, value: await this.run(await this.address(on.clusterId), on, check) };
    } catch (error) {
      if (!(error instanceof NotSeen)) throw error;
      why = error.message;
    }
    const message = `${on.what} on cluster ${on.clusterId} was not verified: ${why}`;
    if (mode === 'true') {
      throw new NotVerifiedError(
        `${message} (verify is true: a check that cannot be made fails the step)`,
      );
    }
    log.info(`Not verified: ${message}. The control plane's word stands (verify: auto).`);
    return { seen: false, why };
  }

  /** Closes every connection the checks opened. */
  close(): void {
    for (const pool of this.pools.values()) pool.destroy();
  }

  /** The endpoint's origin; NotSeen says why there is none to use. */
  private async address(clusterId: string): Promise<string> {
    const known = this.origins.get(clusterId);
    if (known) return known;
    const info = await this.options.clusters.describe(clusterId);
    const address = info.connectAddress;
    if (!address) {
      throw new NotSeen(
        info.privateLinkAddress
          ? 'the cluster is reachable only through a private link (privateLinkAddress), not from this runner'
          : `Zilliz Cloud gives no address for its endpoint${info.status ? ` (status ${info.status})` : ''}`,
      );
    }
    let url: URL;
    try {
      url = new URL(address);
    } catch {
      throw new NotSeen(`its address ${JSON.stringify(address)} is not a URL`);
    }
    if (url.protocol !== 'https:' && !(url.protocol === 'http:' && isLoopback(url.hostname))) {
      throw new NotSeen(`its address ${url.origin} is not https://: no credentials are sent to it`);
    }
    this.origins.set(clusterId, url.origin);
    return url.origin;
  }

  private pool(origin: string): HttpClient {
    let http = this.pools.get(origin);
    if (!http) {
      http = this.options.openHttp(origin);
      this.pools.set(origin, http);
    }
    return http;
  }

  private async run<T>(
    origin: string,
    on: CheckOn,
    check: (endpoint: ClusterEndpoint) => Promise<T>,
  ): Promise<T> {
    const { deadline, log } = this.options;
    const budget = deadline.share(CHECK_BUDGET_MS);
    const transport = new Transport({
      baseUrl: origin,
      token: on.token,
      deadline: budget,
      log,
      http: this.pool(origin),
      userAgent: this.options.userAgent,
      requestTimeoutMs: CHECK_REQUEST_TIMEOUT_MS,
      envelope: MILVUS_ENVELOPE,
      maxAttempts: CHECK_ATTEMPTS,
    });
    try {
      return await check(clusterEndpoint(transport));
    } catch (error) {
      if (error instanceof DeadlineExceededError) {
        // The step's own time is up: that is the step's failure, not the check's.
        if (deadline.remainingMs() === 0) throw error;
        throw new NotSeen(
          `its endpoint ${origin} gave no answer within ${formatDuration(budget.timeoutMs)}`,
        );
      }
      throw new NotSeen(reasonFor(error, origin, on.tokenIs));
    }
  }
}

/** Why a check could not be made, as its failure tells it. */
class NotSeen extends namedError('NotSeen') {}

function reasonFor(error: unknown, origin: string, tokenIs: string): string {
  const status =
    error instanceof ApiError
      ? error.httpStatus
      : error instanceof HttpStatusError
        ? error.status
        : undefined;
  if (
    status === 401 ||
    status === 403 ||
    (error instanceof ApiError && error.code === MILVUS_NOT_AUTHENTICATED)
  ) {
    return (
      `its endpoint refused ${tokenIs} (${errorMessage(error)}); a BYOC cluster takes only ` +
      'a cluster credential: set cluster-token (username:password)'
    );
  }
  if (error instanceof NetworkError) {
    if (error.code === 'ENOTFOUND' || error.code === 'EAI_AGAIN') {
      return `its address ${origin} does not resolve from this runner`;
    }
    if (error.code === 'ECONNREFUSED') return `its endpoint ${origin} refused the connection`;
    return `its endpoint ${origin} could not be reached (${error.code})`;
  }
  if (error instanceof HttpStatusError) return `its endpoint kept failing (${error.message})`;
  if (error instanceof MalformedReplyError) {
    return `its endpoint's replies could not be read (${error.message})`;
  }
  return `its endpoint refused the check (${errorMessage(error)})`;
}
