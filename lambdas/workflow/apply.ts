/** Approval workflow task `Apply` (Lambda entry point). */

import { applyChangeRequest } from '../../shared/use-cases/approvals/apply-change-request.ts';
import type { ApprovalDeps } from '../../shared/use-cases/approvals/approval-deps.ts';
import { parseTaskInput, WorkflowIdsSchema } from '../../shared/workflows/task-input.ts';
import { lazyAwsTask, type TaskHandler, workflowTask } from './workflow-task.ts';

/** The task with its dependencies. */
export const createApplyTask = (deps: ApprovalDeps): TaskHandler =>
  workflowTask((event) => applyChangeRequest(deps, parseTaskInput(WorkflowIdsSchema, event)));

/** Lambda handler. */
export const handler = lazyAwsTask(createApplyTask);
