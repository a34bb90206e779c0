import type { ApprovalDeps } from './approval-deps.ts';
import { outcomeMessage } from './approval-messages.ts';
import { loadForStep, type WorkflowIds } from './load-for-step.ts';

/**
 * Workflow step `NotifyRequester`: tells the requester how their request
 * ended (applied, rejected, expired, conflicted, withdrawn, failed), with
 * its history.
 *
 * @example await notifyRequester(deps, ids) // { status: 'applied' }
 */
export async function notifyRequester(
  deps: Pick<ApprovalDeps, 'changeRequests' | 'notifier'>,
  ids: WorkflowIds,
): Promise<{ status: string }> {
  const request = await loadForStep(deps, ids);
  await deps.notifier.send({
    kind: 'outcome',
    tenantId: request.tenantId,
    requestId: request.id,
    to: request.requester,
    ...outcomeMessage(request),
    ...(request.slackWebhookSecret ? { slackWebhookSecret: request.slackWebhookSecret } : {}),
  });
  return { status: request.status };
}
