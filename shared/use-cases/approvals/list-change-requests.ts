import type { ChangeRequest, ChangeRequestStatus } from '../../domain/approvals/change-request.ts';
import { can, type Principal, ROLE_PERMISSIONS } from '../../domain/rbac.ts';
import type { ApprovalDeps } from './approval-deps.ts';

/** Input of {@link listChangeRequests}. */
export interface ListChangeRequestsInput {
  principal: Principal;
  status?: ChangeRequestStatus | undefined;
  env?: string | undefined;
  limit: number;
  /** Continue after this request id (decoded from the previous page's cursor). */
  after?: string | undefined;
}

/**
 * Lists the tenant's change requests newest first, filtered by status and
 * environment, keeping only those in environments the caller may read. The
 * store itself reads only those environments, so pages are full and `next`
 * (the last item returned, or `null`) never names a request the caller cannot see.
 *
 * @example const { items, next } = await listChangeRequests(deps, { principal, status: 'pending', limit: 20 });
 */
export async function listChangeRequests(
  deps: Pick<ApprovalDeps, 'changeRequests'>,
  input: ListChangeRequestsInput,
): Promise<{ items: ChangeRequest[]; next: string | null }> {
  const { principal } = input;
  const readable = readableEnvironments(principal);
  if (input.env !== undefined && !can(principal, 'requests:read', input.env))
    return { items: [], next: null };
  if (readable?.length === 0) return { items: [], next: null };
  const page = await deps.changeRequests.list(principal.tenantId, {
    limit: input.limit,
    ...(input.status ? { status: input.status } : {}),
    ...(input.env ? { env: input.env } : readable ? { envs: readable } : {}),
    ...(input.after ? { after: input.after } : {}),
  });
  // Why filter again: defence in depth, the store's filter is the efficient path, this one the rule.
  const items = page.items.filter((request) => can(principal, 'requests:read', request.env));
  const last = items.at(-1);
  return { items, next: page.next !== null && last !== undefined ? last.id : null };
}

/** The environments whose requests the caller may read; `undefined` when a binding covers every one. */
function readableEnvironments(principal: Principal): string[] | undefined {
  const bindings = principal.roles.filter((binding) =>
    ROLE_PERMISSIONS[binding.role].includes('requests:read'),
  );
  if (bindings.some((binding) => binding.env === undefined)) return undefined;
  return [...new Set(bindings.map((binding) => binding.env as string))];
}
