/**
 * The approval workflow's task handlers, by state name, each taking exactly
 * the ports its use case declares (`ApprovalTaskDeps`). The local
 * runner runs these; each Lambda entry in `lambdas/workflow` runs one of
 * them (`tasks/<state>-task.ts`, one module per task so that a task's
 * bundle carries no other task's use case) with its own AWS composition root.
 */
import type { ApprovalDeps } from '../use-cases/approvals/approval-deps.ts';
import type { Deps } from '../use-cases/deps.ts';
import type { ApprovalTaskName } from './approval-workflow.ts';
import { createApplyTask } from './tasks/apply-task.ts';
import { createAwaitDecisionTask } from './tasks/await-decision-task.ts';
import { createMarkFailedTask } from './tasks/mark-failed-task.ts';
import { createNotifyRequesterTask } from './tasks/notify-requester-task.ts';
import { createResolveTimeoutTask } from './tasks/resolve-timeout-task.ts';
import { createValidateTask } from './tasks/validate-task.ts';
import type { TaskHandler } from './workflow-task.ts';

/** Every task handler with the full set of approval ports (the local runtime holds them all). */
export function approvalTaskHandlers(
  deps: ApprovalDeps & Pick<Deps, 'secrets'>,
): Record<ApprovalTaskName, TaskHandler> {
  return {
    Validate: createValidateTask(deps),
    AwaitDecision: createAwaitDecisionTask(deps),
    ResolveTimeout: createResolveTimeoutTask(deps),
    Apply: createApplyTask(deps),
    NotifyRequester: createNotifyRequesterTask(deps),
    MarkFailed: createMarkFailedTask(deps),
  };
}
