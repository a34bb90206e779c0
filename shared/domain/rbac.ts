import { ForbiddenError } from './errors.ts';

/** The roles a token can carry. */
export const ROLES = ['viewer', 'editor', 'approver', 'admin', 'auditor', 'secret-reader'] as const;
/** One role. */
export type Role = (typeof ROLES)[number];

/** Named permissions; each route checks exactly one. */
export type Permission =
  | 'settings:read'
  | 'settings:write'
  | 'profiles:write'
  | 'schemas:write'
  | 'policies:write'
  | 'settings:export'
  | 'settings:import'
  | 'environments:read'
  | 'environments:write'
  | 'requests:read'
  | 'requests:decide'
  | 'requests:withdraw'
  | 'secrets:read'
  | 'secrets:write'
  | 'secrets:reveal'
  | 'service-accounts:manage'
  | 'clusters:manage'
  | 'drift:scan';

/** Which roles grant which permission (least privilege: one table, read at one place). */
export const ROLE_PERMISSIONS: Record<Role, readonly Permission[]> = {
  viewer: ['settings:read', 'settings:export', 'environments:read', 'requests:read', 'secrets:read'],
  editor: [
    'settings:read',
    'settings:write',
    'profiles:write',
    'schemas:write',
    'settings:export',
    'settings:import',
    'environments:read',
    'requests:read',
    'requests:withdraw',
    'secrets:read',
    'secrets:write',
    // Drift (issue 14): editors start scans and push observations.
    'drift:scan',
  ],
  approver: ['settings:read', 'environments:read', 'requests:read', 'requests:decide', 'secrets:read'],
  admin: [
    // Drift (issue 14): admins register and remove clusters.
    'clusters:manage',
    'drift:scan',
    'settings:read',
    'settings:write',
    'profiles:write',
    'schemas:write',
    'policies:write',
    'settings:export',
    'settings:import',
    'environments:read',
    'environments:write',
    'requests:read',
    'requests:withdraw',
    'secrets:read',
    'secrets:write',
    // Service accounts (issue 15): tenant-wide, so only an unlimited admin binding holds it.
    'service-accounts:manage',
  ],
  auditor: ['settings:read', 'settings:export', 'environments:read', 'requests:read', 'secrets:read'],
  // Reading secret values is its own role (issue 13): admin alone does not read them.
  'secret-reader': ['secrets:reveal'],
};

/** A role, optionally limited to one environment (`editor:dev`). */
export interface RoleBinding {
  role: Role;
  /** Absent: the role applies everywhere. */
  env?: string;
}

/** The authenticated caller, built only from verified token claims. */
export interface Principal {
  tenantId: string;
  userId: string;
  roles: RoleBinding[];
  /** The caller's address from the token's `email` claim, when it has one (issue 16: the requester's mail). */
  email?: string;
}

/**
 * True when one of the principal's bindings grants `permission` on `env`
 * (`undefined` = a tenant-wide resource such as `global`, which only an
 * unlimited binding covers).
 */
export function can(principal: Principal, permission: Permission, env: string | undefined): boolean {
  return principal.roles.some(
    (binding) =>
      ROLE_PERMISSIONS[binding.role].includes(permission) &&
      (binding.env === undefined || binding.env === env),
  );
}

/**
 * True when some binding grants `permission` in at least one environment:
 * the route-level check for resources whose environment is known only once
 * loaded (a change request); the handler then checks that environment.
 */
export function canSomewhere(principal: Principal, permission: Permission): boolean {
  return principal.roles.some((binding) => ROLE_PERMISSIONS[binding.role].includes(permission));
}

/** Throws {@link ForbiddenError} unless {@link can} holds. */
export function authorize(principal: Principal, permission: Permission, env: string | undefined): void {
  if (!can(principal, permission, env)) {
    const where = env === undefined ? 'tenant-wide' : `in environment '${env}'`;
    throw new ForbiddenError(`Your roles do not grant '${permission}' ${where}`, permission);
  }
}

/** Parses `editor` or `editor:dev`; `undefined` for anything else. */
export function parseRoleBinding(text: string): RoleBinding | undefined {
  const [role, env, extra] = text.split(':');
  if (extra !== undefined || !(ROLES as readonly string[]).includes(role ?? '')) return undefined;
  if (env === undefined) return { role: role as Role };
  if (!/^[a-z0-9][a-z0-9-]{0,62}$/.test(env)) return undefined;
  return { role: role as Role, env };
}
