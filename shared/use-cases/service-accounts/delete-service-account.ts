import { NotFoundError } from '../../domain/errors.ts';
import type { Principal } from '../../domain/rbac.ts';
import type { ServiceAccountDirectory } from '../../ports/service-account-directory.ts';

/**
 * Deletes a service account and its OAuth client: its secret stops working
 * at once (tokens already issued live until they expire). 404 when unknown.
 *
 * @example await deleteServiceAccount({ serviceAccounts }, principal, id)
 */
export async function deleteServiceAccount(
  deps: { serviceAccounts: ServiceAccountDirectory },
  principal: Principal,
  id: string,
): Promise<void> {
  if (!(await deps.serviceAccounts.delete(principal.tenantId, id)))
    throw new NotFoundError(`No service account ${id}`);
}
