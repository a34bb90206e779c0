import { applyChangeRequest } from '../../use-cases/approvals/apply-change-request.ts';
import { parseTaskInput, WorkflowIdsSchema } from '../task-input.ts';
import { type TaskHandler, workflowTask } from '../workflow-task.ts';
import type { ApprovalTaskDeps } from '../workflow-task-ports.ts';

/** Task `Apply`: writes the approved change. In a module of its own so that its Lambda bundle carries no other task's use case. */
export const createApplyTask = (deps: ApprovalTaskDeps<'Apply'>): TaskHandler =>
  workflowTask((event) => applyChangeRequest(deps, parseTaskInput(WorkflowIdsSchema, event)));
