/** Approval workflow task `MarkFailed`, the Catch path (Lambda entry point). */
import type { ApprovalDeps } from '../../shared/use-cases/approvals/approval-deps.ts';
import { markChangeRequestFailed } from '../../shared/use-cases/approvals/mark-change-request-failed.ts';
import { MarkFailedInputSchema, parseTaskInput } from '../../shared/workflows/task-input.ts';
import { lazyAwsTask, type TaskHandler, workflowTask } from './workflow-task.ts';

/** The task with its dependencies. */
export const createMarkFailedTask = (deps: ApprovalDeps): TaskHandler =>
  workflowTask((event) => markChangeRequestFailed(deps, parseTaskInput(MarkFailedInputSchema, event)));

/** Lambda handler. */
export const handler = lazyAwsTask(createMarkFailedTask);
