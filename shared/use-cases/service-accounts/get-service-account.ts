import { NotFoundError } from '../../domain/errors.ts';
import type { Principal } from '../../domain/rbac.ts';
import type { ServiceAccount } from '../../domain/service-accounts/service-account.ts';
import type { ServiceAccountDirectory } from '../../ports/service-account-directory.ts';

/**
 * One service account of the caller's tenant (never its secret); 404 for
 * an unknown id or another tenant's.
 *
 * @example await getServiceAccount({ serviceAccounts }, principal, id)
 */
export async function getServiceAccount(
  deps: { serviceAccounts: ServiceAccountDirectory },
  principal: Principal,
  id: string,
): Promise<ServiceAccount> {
  const account = await deps.serviceAccounts.get(principal.tenantId, id);
  if (!account) throw new NotFoundError(`No service account ${id}`);
  return account;
}
