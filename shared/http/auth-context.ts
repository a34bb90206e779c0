import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { UnauthorizedError } from '../domain/errors.ts';
import { type Principal, parseRoleBinding, type RoleBinding } from '../domain/rbac.ts';
import { EMAIL_PATTERN } from '../domain/tenant-claims.ts';

/** Allowed tenant ids: no `#`, so a tenant's key prefix can never be another's. */
export const TENANT_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/;

/**
 * Reads the roles claim in every shape it arrives in: a JSON array, a
 * stringified array `"[editor viewer:prod]"` (the local runtime's string
 * claims), or a comma/space separated string (the Lambda authorizer's
 * context). Unknown roles are dropped.
 */
export function parseRolesClaim(claim: unknown): RoleBinding[] {
  let parts: string[] = [];
  if (Array.isArray(claim)) parts = claim.filter((r): r is string => typeof r === 'string');
  else if (typeof claim === 'string') {
    const trimmed = claim.trim();
    const inner = trimmed.startsWith('[') && trimmed.endsWith(']') ? trimmed.slice(1, -1) : trimmed;
    parts = inner.split(/[\s,]+/);
  }
  return parts
    .map((p) => p.replace(/^"|"$/g, ''))
    .filter((p) => p.length > 0)
    .map(parseRoleBinding)
    .filter((b): b is RoleBinding => b !== undefined);
}

/**
 * The claims the authorizer put into the event: on AWS the HTTP API's Lambda
 * authorizer (`requestContext.authorizer.lambda`, see `token-authorizer.ts`),
 * locally the embedded runtime in the same shape. One shape, one reader.
 */
export function authorizerClaims(event: APIGatewayProxyEventV2): Record<string, unknown> | undefined {
  const authorizer = (event.requestContext as { authorizer?: { lambda?: unknown } } | undefined)?.authorizer;
  const claims = authorizer?.lambda;
  return typeof claims === 'object' && claims !== null ? (claims as Record<string, unknown>) : undefined;
}

/**
 * The principal from the verified claims the HTTP API's Lambda authorizer
 * (or the local runtime, in the same shape) put in the event. The tenant
 * comes only from here. Throws {@link UnauthorizedError} when the claims are
 * missing or unusable.
 */
export function principalFromEvent(event: APIGatewayProxyEventV2): Principal {
  const claims = authorizerClaims(event);
  if (!claims) throw new UnauthorizedError('A bearer token is required');
  const tenantId = claims.tenant_id;
  const userId = claims.sub;
  if (typeof tenantId !== 'string' || !TENANT_ID_PATTERN.test(tenantId)) {
    throw new UnauthorizedError('The token carries no valid tenant_id claim');
  }
  if (typeof userId !== 'string' || userId.length === 0 || userId.length > 256) {
    throw new UnauthorizedError('The token carries no valid sub claim');
  }
  const email =
    typeof claims.email === 'string' && EMAIL_PATTERN.test(claims.email) ? claims.email : undefined;
  return { tenantId, userId, roles: parseRolesClaim(claims.roles), ...(email ? { email } : {}) };
}
