import { ValidationError } from '../../domain/errors.ts';
import type { Principal } from '../../domain/rbac.ts';
import type { ServiceAccount } from '../../domain/service-accounts/service-account.ts';
import { serviceAccountRoleViolations } from '../../domain/service-accounts/service-account-role-violations.ts';
import type { ServiceAccountDirectory } from '../../ports/service-account-directory.ts';

/** What `POST /v1/service-accounts` answers: the account, its secret (shown once) and where to get tokens. */
export interface CreatedServiceAccount extends ServiceAccount {
  clientSecret: string;
  tokenUrl: string;
}

/**
 * Creates a service account of the caller's tenant. Refuses, with a 400
 * listing every violation and before anything is created, unknown roles
 * and `admin` or `approver`.
 *
 * @example await createServiceAccount({ serviceAccounts }, principal, { name: 'orders', roles: ['viewer:prod'], reason: 'orders reads its settings' })
 */
export async function createServiceAccount(
  deps: { serviceAccounts: ServiceAccountDirectory },
  principal: Principal,
  input: { name: string; roles: string[]; reason: string },
): Promise<CreatedServiceAccount> {
  const violations = serviceAccountRoleViolations(input.roles);
  if (violations.length > 0)
    throw new ValidationError('The service account roles are not allowed', violations);
  const { account, clientSecret } = await deps.serviceAccounts.create({
    tenantId: principal.tenantId,
    name: input.name,
    roles: [...new Set(input.roles)],
    reason: input.reason,
    createdBy: principal.userId,
  });
  return { ...account, clientSecret, tokenUrl: deps.serviceAccounts.tokenUrl() };
}
