import { resolveTimeout } from '../../use-cases/approvals/resolve-timeout.ts';
import { parseTaskInput, WorkflowIdsSchema } from '../task-input.ts';
import { type TaskHandler, workflowTask } from '../workflow-task.ts';
import type { ApprovalTaskDeps } from '../workflow-task-ports.ts';

/** Task `ResolveTimeout`: the approvers did not decide in time. In a module of its own so that its Lambda bundle carries no other task's use case. */
export const createResolveTimeoutTask = (deps: ApprovalTaskDeps<'ResolveTimeout'>): TaskHandler =>
  workflowTask((event) => resolveTimeout(deps, parseTaskInput(WorkflowIdsSchema, event)));
