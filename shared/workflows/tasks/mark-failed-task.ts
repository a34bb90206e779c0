import { markChangeRequestFailed } from '../../use-cases/approvals/mark-change-request-failed.ts';
import { MarkFailedInputSchema, parseTaskInput } from '../task-input.ts';
import { type TaskHandler, workflowTask } from '../workflow-task.ts';
import type { ApprovalTaskDeps } from '../workflow-task-ports.ts';

/** Task `MarkFailed`, the Catch path. In a module of its own so that its Lambda bundle carries no other task's use case. */
export const createMarkFailedTask = (deps: ApprovalTaskDeps<'MarkFailed'>): TaskHandler =>
  workflowTask((event) => markChangeRequestFailed(deps, parseTaskInput(MarkFailedInputSchema, event)));
