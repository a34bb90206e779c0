import { validateChangeRequest } from '../../use-cases/approvals/validate-change-request.ts';
import { parseTaskInput, WorkflowIdsSchema } from '../task-input.ts';
import { type TaskHandler, workflowTask } from '../workflow-task.ts';
import type { ApprovalTaskDeps } from '../workflow-task-ports.ts';

/** Task `Validate`: is the request open, how long may approvers take. In a module of its own so that its Lambda bundle carries no other task's use case. */
export const createValidateTask = (deps: ApprovalTaskDeps<'Validate'>): TaskHandler =>
  workflowTask((event) => validateChangeRequest(deps, parseTaskInput(WorkflowIdsSchema, event)));
