import type { ApprovalDeps } from './approval-deps.ts';
import { outcomeMessage } from './approval-messages.ts';
import { loadForStep, type WorkflowIds } from './load-for-step.ts';

/**
 * Workflow step `NotifyRequester`: tells the requester how their request
 * ended (applied, rejected, expired, conflicted, withdrawn, failed), with
 * its history, by email to the address the requester's token carried when
 * they asked (`requesterEmail`), or else the one the environment's approver
 * entries give them.
 *
 * @example await notifyRequester(deps, ids) // { status: 'applied' }
 */
export async function notifyRequester(
  deps: Pick<ApprovalDeps, 'changeRequests' | 'notifier'>,
  ids: WorkflowIds,
): Promise<{ status: string }> {
  const request = await loadForStep(deps, ids);
  // Why this order: the token's address is the requester's own (Cognito's verified `email`); the
  // approver entries are the fallback for requests recorded before it was, or tokens without one.
  const email = request.requesterEmail ?? request.approvers.find((a) => a.user === request.requester)?.email;
  await deps.notifier.send({
    kind: 'outcome',
    tenantId: request.tenantId,
    requestId: request.id,
    to: request.requester,
    ...(email ? { email } : {}),
    ...outcomeMessage(request),
    ...(request.slackWebhookSecret ? { slackWebhookSecret: request.slackWebhookSecret } : {}),
  });
  return { status: request.status };
}
