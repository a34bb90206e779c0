import type { ApprovalDeps } from './approval-deps.ts';
import { outcomeMessage } from './approval-messages.ts';
import { loadForStep, type WorkflowIds } from './load-for-step.ts';

/**
 * Workflow step `NotifyRequester`: tells the requester how their request
 * ended (applied, rejected, expired, conflicted, withdrawn, failed), with
 * its history, by email when the environment's approver entries give the
 * requester an address.
 *
 * @example await notifyRequester(deps, ids) // { status: 'applied' }
 */
export async function notifyRequester(
  deps: Pick<ApprovalDeps, 'changeRequests' | 'notifier'>,
  ids: WorkflowIds,
): Promise<{ status: string }> {
  const request = await loadForStep(deps, ids);
  // Why from the approver entries: the environment lists the people (and addresses) of the team; a
  // requester listed there gets the outcome by email too (they can never approve their own request).
  const email = request.approvers.find((a) => a.user === request.requester)?.email;
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
