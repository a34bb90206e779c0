/**
 * The approval workflow's task handlers, by state name, each taking exactly
 * the ports its use case declares ({@link ApprovalTaskDeps}). The local
 * runner runs these; each Lambda entry in `lambdas/workflow` runs one of
 * them with its own AWS composition root.
 */
import { applyChangeRequest } from '../use-cases/approvals/apply-change-request.ts';
import type { ApprovalDeps } from '../use-cases/approvals/approval-deps.ts';
import { awaitDecision } from '../use-cases/approvals/await-decision.ts';
import { markChangeRequestFailed } from '../use-cases/approvals/mark-change-request-failed.ts';
import { notifyRequester } from '../use-cases/approvals/notify-requester.ts';
import { resolveTimeout } from '../use-cases/approvals/resolve-timeout.ts';
import { validateChangeRequest } from '../use-cases/approvals/validate-change-request.ts';
import type { Deps } from '../use-cases/deps.ts';
import type { ApprovalTaskName } from './approval-workflow.ts';
import {
  AwaitDecisionInputSchema,
  MarkFailedInputSchema,
  parseTaskInput,
  WorkflowIdsSchema,
} from './task-input.ts';
import { type TaskHandler, workflowTask } from './workflow-task.ts';
import type { ApprovalTaskDeps } from './workflow-task-ports.ts';

/** Task `Validate`. */
export const createValidateTask = (deps: ApprovalTaskDeps<'Validate'>): TaskHandler =>
  workflowTask((event) => validateChangeRequest(deps, parseTaskInput(WorkflowIdsSchema, event)));

/** Task `AwaitDecision` (`.waitForTaskToken`). */
export const createAwaitDecisionTask = (deps: ApprovalTaskDeps<'AwaitDecision'>): TaskHandler =>
  workflowTask((event) => awaitDecision(deps, parseTaskInput(AwaitDecisionInputSchema, event)));

/** Task `ResolveTimeout`. */
export const createResolveTimeoutTask = (deps: ApprovalTaskDeps<'ResolveTimeout'>): TaskHandler =>
  workflowTask((event) => resolveTimeout(deps, parseTaskInput(WorkflowIdsSchema, event)));

/** Task `Apply`. */
export const createApplyTask = (deps: ApprovalTaskDeps<'Apply'>): TaskHandler =>
  workflowTask((event) => applyChangeRequest(deps, parseTaskInput(WorkflowIdsSchema, event)));

/** Task `NotifyRequester`. */
export const createNotifyRequesterTask = (deps: ApprovalTaskDeps<'NotifyRequester'>): TaskHandler =>
  workflowTask((event) => notifyRequester(deps, parseTaskInput(WorkflowIdsSchema, event)));

/** Task `MarkFailed`, the Catch path. */
export const createMarkFailedTask = (deps: ApprovalTaskDeps<'MarkFailed'>): TaskHandler =>
  workflowTask((event) => markChangeRequestFailed(deps, parseTaskInput(MarkFailedInputSchema, event)));

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
