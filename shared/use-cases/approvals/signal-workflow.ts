import type { ChangeRequest } from '../../domain/approvals/change-request.ts';
import { TaskTokenGoneError } from '../../ports/workflow-gateway.ts';
import type { ApprovalDeps } from './approval-deps.ts';

/** The encryption context (AAD) of a request's task token: it decrypts only for this tenant and request. */
export function taskTokenContext(request: Pick<ChangeRequest, 'tenantId' | 'id'>): Record<string, string> {
  return { tenantId: request.tenantId, requestId: request.id, purpose: 'approval-task-token' };
}

/**
 * Tells the waiting workflow that a request left `pending` (approved,
 * rejected, withdrawn). Without a stored token yet, the workflow's own
 * AwaitDecision step sees the new status when it tries to store one. A gone
 * token (timed out) or a failure to reach Step Functions is logged, not
 * raised: the decision is recorded, and the timeout path
 * (ResolveTimeout) follows the recorded status.
 */
export async function signalWorkflow(
  deps: Pick<ApprovalDeps, 'tokenCipher' | 'workflows' | 'logger'>,
  request: ChangeRequest,
): Promise<void> {
  if (request.taskToken === null) return;
  try {
    const token = await deps.tokenCipher.decrypt(request.taskToken, taskTokenContext(request));
    await deps.workflows.sendTaskSuccess(token, { status: request.status });
  } catch (error) {
    const gone = error instanceof TaskTokenGoneError;
    deps.logger[gone ? 'info' : 'error']('could not signal the approval workflow', {
      tenant: request.tenantId,
      changeRequestId: request.id,
      status: request.status,
      errorName: (error as Error).name,
    });
  }
}
