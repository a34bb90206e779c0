/** Every approval workflow task, by state name: the local runner runs these, the Lambdas run the same. */
import type { ApprovalDeps } from '../../shared/use-cases/approvals/approval-deps.ts';
import type { ApprovalTaskName } from '../../shared/workflows/approval-workflow.ts';
import { createApplyTask } from './apply.ts';
import { createAwaitDecisionTask } from './await-decision.ts';
import { createMarkFailedTask } from './mark-failed.ts';
import { createNotifyRequesterTask } from './notify-requester.ts';
import { createResolveTimeoutTask } from './resolve-timeout.ts';
import { createValidateTask } from './validate.ts';
import type { TaskHandler } from './workflow-task.ts';

/** The task handlers of the approval workflow with their dependencies. */
export function approvalTaskHandlers(deps: ApprovalDeps): Record<ApprovalTaskName, TaskHandler> {
  return {
    Validate: createValidateTask(deps),
    AwaitDecision: createAwaitDecisionTask(deps),
    ResolveTimeout: createResolveTimeoutTask(deps),
    Apply: createApplyTask(deps),
    NotifyRequester: createNotifyRequesterTask(deps),
    MarkFailed: createMarkFailedTask(deps),
  };
}
