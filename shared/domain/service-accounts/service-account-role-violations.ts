import type { Violation } from '../errors.ts';
import { parseRoleBinding, type Role } from '../rbac.ts';

/** Roles a machine may not hold: administering the tenant and deciding approvals stay with people. */
const HUMAN_ONLY: readonly Role[] = ['admin', 'approver'];

/**
 * Every problem with the roles asked for a service account: unknown roles
 * or environments, and `admin` or `approver` (with or without an
 * environment), which are refused. Empty when the roles are acceptable.
 *
 * @example serviceAccountRoleViolations(['viewer:prod', 'admin'])[0]?.pointer // '/body/roles/1'
 */
export function serviceAccountRoleViolations(roles: readonly string[]): Violation[] {
  return roles.flatMap((role, index): Violation[] => {
    const pointer = `/body/roles/${index}`;
    const binding = parseRoleBinding(role);
    if (!binding)
      return [
        { pointer, rule: 'role', message: `"${role}" is not a role, optionally role:env`, value: role },
      ];
    if (HUMAN_ONLY.includes(binding.role)) {
      return [
        {
          pointer,
          rule: 'service-account-role',
          message: `A service account cannot be granted ${binding.role}`,
          value: role,
          hint: 'Give machines read roles (viewer, secret-reader) or editor; administration and approvals stay with people',
        },
      ];
    }
    return [];
  });
}
