import type { ChangeRequest } from '../../domain/approvals/change-request.ts';
import { WorkflowTaskError } from '../../workflows/task-errors.ts';
import type { ApprovalDeps } from './approval-deps.ts';

/** The ids every workflow step receives. */
export interface WorkflowIds {
  tenantId: string;
  requestId: string;
}

/** Reads the request a step works on; a missing one is a non-retryable `Plumbline.RequestNotFound`. */
export async function loadForStep(
  deps: Pick<ApprovalDeps, 'changeRequests'>,
  ids: WorkflowIds,
): Promise<ChangeRequest> {
  const request = await deps.changeRequests.get(ids.tenantId, ids.requestId);
  if (request === null)
    throw new WorkflowTaskError('Plumbline.RequestNotFound', `no change request ${ids.requestId}`);
  return request;
}
