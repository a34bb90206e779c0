import type { Principal } from '../../domain/rbac.ts';
import type { ServiceAccount } from '../../domain/service-accounts/service-account.ts';
import type { ServiceAccountDirectory } from '../../ports/service-account-directory.ts';

/** One page of a tenant's service accounts, oldest first; `next` is the id to continue after, or null. */
export interface ServiceAccountPage {
  items: ServiceAccount[];
  next: string | null;
}

/**
 * The caller's tenant's service accounts (never their secrets), oldest
 * first, `limit` at a time after the account `after` (an id from the
 * previous page; an id that is no longer there starts from the beginning).
 *
 * @example await listServiceAccounts({ serviceAccounts }, principal, { limit: 50 })
 */
export async function listServiceAccounts(
  deps: { serviceAccounts: ServiceAccountDirectory },
  principal: Principal,
  page: { limit: number; after?: string },
): Promise<ServiceAccountPage> {
  const all = await deps.serviceAccounts.list(principal.tenantId);
  const start = page.after === undefined ? 0 : all.findIndex((account) => account.id === page.after) + 1;
  const items = all.slice(start, start + page.limit);
  const last = items.at(-1);
  return { items, next: start + page.limit < all.length && last ? last.id : null };
}
