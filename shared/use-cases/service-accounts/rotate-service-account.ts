import { NotFoundError } from '../../domain/errors.ts';
import type { Principal } from '../../domain/rbac.ts';
import type { ServiceAccountDirectory } from '../../ports/service-account-directory.ts';
import type { CreatedServiceAccount } from './create-service-account.ts';

/**
 * Replaces a service account's secret: the new one is shown once, the old
 * one stops working. Another tenant's account is a 404.
 *
 * @example await rotateServiceAccount({ serviceAccounts }, principal, id)
 */
export async function rotateServiceAccount(
  deps: { serviceAccounts: ServiceAccountDirectory },
  principal: Principal,
  id: string,
): Promise<CreatedServiceAccount> {
  const issued = await deps.serviceAccounts.rotate(principal.tenantId, id);
  if (!issued) throw new NotFoundError(`No service account ${id}`);
  return { ...issued.account, clientSecret: issued.clientSecret, tokenUrl: deps.serviceAccounts.tokenUrl() };
}
