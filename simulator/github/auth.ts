// Who is calling and what they may do: tokens, the 401/403/404 answers, X-Accepted-GitHub-Permissions.
import { AUTH_SCHEME, DOC_URL, MESSAGES, error } from './quirks.ts';
import type { ErrorReply } from './quirks.ts';
import { ACTIONS_BOT } from './scenario.ts';
import type { Actor, Permission, RouteName, Scenario } from './scenario.ts';

export interface Caller {
  /** undefined for an anonymous caller. */
  token?: string;
  actor?: Actor;
  deployments: Permission;
  contents: Permission;
}

/** The permission each route needs (documented per endpoint). */
export const NEEDS: Record<
  RouteName,
  { scope: 'deployments' | 'contents'; level: 'read' | 'write' }
> = {
  createDeployment: { scope: 'deployments', level: 'write' },
  listDeployments: { scope: 'deployments', level: 'read' },
  getDeployment: { scope: 'deployments', level: 'read' },
  createStatus: { scope: 'deployments', level: 'write' },
  listStatuses: { scope: 'deployments', level: 'read' },
  getStatus: { scope: 'deployments', level: 'read' },
  getCommit: { scope: 'contents', level: 'read' },
};

/** The X-Accepted-GitHub-Permissions value of a route. */
export function acceptedPermissions(route: RouteName): string {
  const need = NEEDS[route];
  return `${need.scope}=${need.level}`;
}

/** The caller of a request, or the 401 for a token the scenario does not know. */
export function identify(
  authorization: string | undefined,
  scenario: Scenario,
  docUrl: string,
): Caller | ErrorReply {
  if (authorization === undefined || authorization.trim() === '') {
    return { deployments: 'none', contents: 'none' };
  }
  const token = AUTH_SCHEME.exec(authorization)?.[1];
  const spec = token === undefined ? undefined : scenario.tokens[token];
  if (token === undefined || spec === undefined) {
    return error(401, MESSAGES.badCredentials, docUrl);
  }
  return {
    token,
    actor: spec.actor ?? ACTIONS_BOT,
    deployments: spec.deployments ?? 'write',
    contents: spec.contents ?? 'read',
  };
}

const RANK: Record<Permission, number> = { none: 0, read: 1, write: 2 };

/**
 * The refusal for a caller on a route, or undefined when allowed. A private repository is
 * invisible without a token (404); a public one answers reads to anyone; a write needs a token
 * (401) with the permission (403 naming it in X-Accepted-GitHub-Permissions).
 */
export function authorize(
  caller: Caller,
  route: RouteName,
  scenario: Scenario,
): ErrorReply | undefined {
  const need = NEEDS[route];
  const docUrl = DOC_URL[route];
  const isPublic = scenario.visibility === 'public';
  if (!caller.actor) {
    if (!isPublic) return error(404, MESSAGES.notFound, docUrl);
    return need.level === 'read' ? undefined : error(401, MESSAGES.requiresAuthentication, docUrl);
  }
  if (need.level === 'read' && isPublic) return undefined;
  if (RANK[caller[need.scope]] >= RANK[need.level]) return undefined;
  const message =
    caller.actor.type === 'Bot'
      ? MESSAGES.notAccessibleByIntegration
      : MESSAGES.notAccessibleByToken;
  return error(403, message, docUrl);
}
