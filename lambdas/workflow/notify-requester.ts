/** Approval workflow task `NotifyRequester` (Lambda entry point). */
import type { ApprovalDeps } from '../../shared/use-cases/approvals/approval-deps.ts';
import { notifyRequester } from '../../shared/use-cases/approvals/notify-requester.ts';
import { parseTaskInput, WorkflowIdsSchema } from '../../shared/workflows/task-input.ts';
import { lazyAwsTask, type TaskHandler, workflowTask } from './workflow-task.ts';

/** The task with its dependencies. */
export const createNotifyRequesterTask = (deps: ApprovalDeps): TaskHandler =>
  workflowTask((event) => notifyRequester(deps, parseTaskInput(WorkflowIdsSchema, event)));

/** Lambda handler. */
export const handler = lazyAwsTask(createNotifyRequesterTask);
