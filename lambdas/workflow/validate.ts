/** Approval workflow task `Validate` (Lambda entry point). */
import type { ApprovalDeps } from '../../shared/use-cases/approvals/approval-deps.ts';
import { validateChangeRequest } from '../../shared/use-cases/approvals/validate-change-request.ts';
import { parseTaskInput, WorkflowIdsSchema } from '../../shared/workflows/task-input.ts';
import { lazyAwsTask, type TaskHandler, workflowTask } from './workflow-task.ts';

/** The task with its dependencies. */
export const createValidateTask = (deps: ApprovalDeps): TaskHandler =>
  workflowTask((event) => validateChangeRequest(deps, parseTaskInput(WorkflowIdsSchema, event)));

/** Lambda handler. */
export const handler = lazyAwsTask(createValidateTask);
