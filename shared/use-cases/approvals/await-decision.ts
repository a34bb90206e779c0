import { StaleRevisionError } from '../../ports/change-request-store.ts';
import { WorkflowTaskError } from '../../workflows/task-errors.ts';
import type { ApprovalDeps } from './approval-deps.ts';
import { issueApproverLinks } from './approval-links.ts';
import { approvalRequestMessage } from './approval-messages.ts';
import { loadForStep, type WorkflowIds } from './load-for-step.ts';
import { taskTokenContext } from './signal-workflow.ts';

/**
 * Workflow step `AwaitDecision` (a `.waitForTaskToken` task): stores the
 * task token encrypted on the request (a conditional write while it is
 * still `pending`), then sends each eligible approver their own approve and
 * reject links. If the request was decided before the token could be
 * stored, it completes its own task at once with that status, so no
 * decision is ever lost. The token is never logged.
 *
 * @example await awaitDecision(deps, { tenantId, requestId, taskToken, executionId });
 */
export async function awaitDecision(
  deps: Pick<
    ApprovalDeps,
    'changeRequests' | 'clock' | 'workflows' | 'tokenCipher' | 'linkSigner' | 'publicUrl' | 'notifier'
  >,
  input: WorkflowIds & { taskToken: string; executionId?: string | undefined },
): Promise<{ notified: number; status: string }> {
  if (typeof input.taskToken !== 'string' || input.taskToken.length === 0) {
    throw new WorkflowTaskError('Plumbline.InvalidInput', 'AwaitDecision needs a task token');
  }
  for (let attempt = 0; attempt < 8; attempt++) {
    const request = await loadForStep(deps, input);
    if (request.status !== 'pending') {
      await deps.workflows.sendTaskSuccess(input.taskToken, { status: request.status });
      return { notified: 0, status: request.status };
    }
    const eligible = request.approvers.filter((a) => a.user !== request.requester);
    const now = deps.clock.now().toISOString();
    const next = {
      ...request,
      taskToken: await deps.tokenCipher.encrypt(input.taskToken, taskTokenContext(request)),
      executionId: input.executionId ?? request.executionId,
      revision: request.revision + 1,
      history: [
        ...request.history,
        {
          at: now,
          actor: 'workflow',
          action: 'notified' as const,
          detail: `approval links sent to ${eligible.map((a) => a.user).join(', ')}`,
        },
      ],
    };
    try {
      // Why conditional: a decision that lands between our read and this write wins; we re-read and follow it.
      await deps.changeRequests.replace(next);
    } catch (error) {
      if (error instanceof StaleRevisionError) continue;
      throw error;
    }
    for (const approver of eligible) {
      const links = await issueApproverLinks(deps, next, approver.user);
      const message = approvalRequestMessage(next, links);
      await deps.notifier.send({
        kind: 'approval-requested',
        tenantId: next.tenantId,
        requestId: next.id,
        to: approver.user,
        ...(approver.email ? { email: approver.email } : {}),
        ...(approver.slack ? { slackUser: approver.slack } : {}),
        ...message,
        links,
        ...(next.slackWebhookSecret ? { slackWebhookSecret: next.slackWebhookSecret } : {}),
      });
    }
    return { notified: eligible.length, status: 'pending' };
  }
  throw new WorkflowTaskError('Plumbline.Transient', 'the request kept changing while the token was stored');
}
