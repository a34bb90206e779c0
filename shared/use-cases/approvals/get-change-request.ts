import type { ChangeRequest } from '../../domain/approvals/change-request.ts';
import { NotFoundError } from '../../domain/errors.ts';
import { authorize, type Principal } from '../../domain/rbac.ts';
import type { ApprovalDeps } from './approval-deps.ts';

/**
 * Reads one of the caller's tenant's change requests; another tenant's id is
 * a 404, exactly as if it did not exist. Needs `requests:read` on its environment.
 *
 * @example const request = await getChangeRequest(deps, { principal, id: 'cr-...' });
 */
export async function getChangeRequest(
  deps: Pick<ApprovalDeps, 'changeRequests'>,
  input: { principal: Principal; id: string },
): Promise<ChangeRequest> {
  const request = await deps.changeRequests.get(input.principal.tenantId, input.id);
  if (request === null) throw new NotFoundError(`No change request ${input.id}`);
  authorize(input.principal, 'requests:read', request.env);
  return request;
}
