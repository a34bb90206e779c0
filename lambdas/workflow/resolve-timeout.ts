/** Approval workflow task `ResolveTimeout` (Lambda entry point). */
import type { ApprovalDeps } from '../../shared/use-cases/approvals/approval-deps.ts';
import { resolveTimeout } from '../../shared/use-cases/approvals/resolve-timeout.ts';
import { parseTaskInput, WorkflowIdsSchema } from '../../shared/workflows/task-input.ts';
import { lazyAwsTask, type TaskHandler, workflowTask } from './workflow-task.ts';

/** The task with its dependencies. */
export const createResolveTimeoutTask = (deps: ApprovalDeps): TaskHandler =>
  workflowTask((event) => resolveTimeout(deps, parseTaskInput(WorkflowIdsSchema, event)));

/** Lambda handler. */
export const handler = lazyAwsTask(createResolveTimeoutTask);
