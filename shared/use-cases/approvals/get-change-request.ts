import type { ChangeRequest } from '../../domain/approvals/change-request.ts';
import { NotFoundError } from '../../domain/errors.ts';
import { can, type Principal } from '../../domain/rbac.ts';
import type { ApprovalDeps } from './approval-deps.ts';

/**
 * Reads one of the caller's tenant's change requests. Another tenant's id,
 * and a request in an environment the caller may not read, are the same 404
 * as an id that does not exist: the answer reveals nothing about either.
 *
 * @example const request = await getChangeRequest(deps, { principal, id: 'cr-...' });
 */
export async function getChangeRequest(
  deps: Pick<ApprovalDeps, 'changeRequests'>,
  input: { principal: Principal; id: string },
): Promise<ChangeRequest> {
  const request = await deps.changeRequests.get(input.principal.tenantId, input.id);
  if (request === null || !can(input.principal, 'requests:read', request.env)) {
    throw new NotFoundError(`No change request ${input.id}`);
  }
  return request;
}
