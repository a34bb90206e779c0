import { parseRoleBinding } from './rbac.ts';
import { TENANT_ID_FOR_POLICY } from './tenant-session-policy.ts';

/** The Cognito custom attribute holding a user's tenant (immutable once the user exists). */
export const TENANT_ID_ATTRIBUTE = 'custom:tenant_id';
/** The Cognito custom attribute holding a user's role bindings, space separated: `admin editor:dev`. */
export const ROLES_ATTRIBUTE = 'custom:roles';

/** The claims the API reads (`shared/http/auth-context.ts`). */
export interface TenantClaims {
  tenant_id: string;
  /** Role bindings (`editor`, `editor:dev`); API Gateway hands them on as `"[editor editor:dev]"`. */
  roles: string[];
  /** The user's address (from the `email` attribute), for the requester's notifications (issue 16). */
  email?: string;
}

/** A plausible email address: what a claim must look like to be used as one. */
export const EMAIL_PATTERN = /^[^\s@]{1,64}@[^\s@]{1,255}$/;

/**
 * The `tenant_id` and `roles` claims for a user, from their Cognito
 * attributes; the pre-token-generation trigger adds them to every token.
 * Unknown or malformed role bindings are dropped; without a valid tenant
 * there are no claims at all (the API then answers 401).
 *
 * @example tenantClaimsFromAttributes({ 'custom:tenant_id': 'acme', 'custom:roles': 'admin editor:dev' })
 * // { tenant_id: 'acme', roles: ['admin', 'editor:dev'] }
 */
export function tenantClaimsFromAttributes(
  attributes: Record<string, string | undefined>,
): TenantClaims | undefined {
  const tenantId = attributes[TENANT_ID_ATTRIBUTE]?.trim();
  if (!tenantId || !TENANT_ID_FOR_POLICY.test(tenantId)) return undefined;
  const roles = (attributes[ROLES_ATTRIBUTE] ?? '')
    .split(/[\s,]+/)
    .filter((part) => part.length > 0 && parseRoleBinding(part) !== undefined);
  const email = attributes.email?.trim();
  return {
    tenant_id: tenantId,
    roles: [...new Set(roles)],
    ...(email && EMAIL_PATTERN.test(email) ? { email } : {}),
  };
}

/**
 * The `tenant_id` and `roles` claims of a service account's access token
 * (client credentials): its stored role bindings, keeping only valid ones
 * and never `admin` or `approver` (refused at creation; dropped here too).
 *
 * @example tenantClaimsForServiceAccount({ tenantId: 'acme', roles: ['viewer:prod'] })
 * // { tenant_id: 'acme', roles: ['viewer:prod'] }
 */
export function tenantClaimsForServiceAccount(grant: {
  tenantId: string;
  roles: readonly string[];
}): TenantClaims | undefined {
  if (!TENANT_ID_FOR_POLICY.test(grant.tenantId)) return undefined;
  const roles = grant.roles.filter((role) => {
    const binding = parseRoleBinding(role);
    return binding !== undefined && binding.role !== 'admin' && binding.role !== 'approver';
  });
  return { tenant_id: grant.tenantId, roles: [...new Set(roles)] };
}
