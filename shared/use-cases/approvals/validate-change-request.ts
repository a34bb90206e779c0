import { isClosed } from '../../domain/approvals/change-request.ts';
import type { ApprovalDeps } from './approval-deps.ts';
import { loadForStep, type WorkflowIds } from './load-for-step.ts';

/**
 * Workflow step `Validate`: the request exists, and how long the approvers
 * still have (from its own expiry, so a resumed workflow keeps the original
 * window; at least 1 s, the least Step Functions accepts).
 *
 * @example await validateChangeRequest(deps, { tenantId: 'acme', requestId: 'cr-...' }) // { approvalTimeoutSeconds: 86400, status: 'pending' }
 */
export async function validateChangeRequest(
  deps: Pick<ApprovalDeps, 'changeRequests' | 'clock'>,
  ids: WorkflowIds,
): Promise<{ approvalTimeoutSeconds: number; status: string; closed: boolean }> {
  const request = await loadForStep(deps, ids);
  const remaining = Math.ceil((new Date(request.expiresAt).getTime() - deps.clock.now().getTime()) / 1000);
  return {
    approvalTimeoutSeconds: Math.max(1, remaining),
    status: request.status,
    closed: isClosed(request.status),
  };
}
