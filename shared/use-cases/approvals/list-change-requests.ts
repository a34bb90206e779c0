import type { ChangeRequest, ChangeRequestStatus } from '../../domain/approvals/change-request.ts';
import { can, type Principal } from '../../domain/rbac.ts';
import type { ApprovalDeps } from './approval-deps.ts';

/** Input of {@link listChangeRequests}. */
export interface ListChangeRequestsInput {
  principal: Principal;
  status?: ChangeRequestStatus | undefined;
  env?: string | undefined;
  limit: number;
  after?: string | undefined;
}

/**
 * Lists the tenant's change requests newest first, filtered by status and
 * environment, keeping only those in environments the caller may read.
 *
 * @example const { items } = await listChangeRequests(deps, { principal, status: 'pending', limit: 20 });
 */
export async function listChangeRequests(
  deps: Pick<ApprovalDeps, 'changeRequests'>,
  input: ListChangeRequestsInput,
): Promise<{ items: ChangeRequest[]; next: string | null }> {
  const page = await deps.changeRequests.list(input.principal.tenantId, {
    limit: input.limit,
    ...(input.status ? { status: input.status } : {}),
    ...(input.env ? { env: input.env } : {}),
    ...(input.after ? { after: input.after } : {}),
  });
  return { items: page.items.filter((r) => can(input.principal, 'requests:read', r.env)), next: page.next };
}
