import { notifyRequester } from '../../use-cases/approvals/notify-requester.ts';
import { parseTaskInput, WorkflowIdsSchema } from '../task-input.ts';
import { type TaskHandler, workflowTask } from '../workflow-task.ts';
import type { ApprovalTaskDeps } from '../workflow-task-ports.ts';

/** Task `NotifyRequester`: tells the requester the outcome. In a module of its own so that its Lambda bundle carries no other task's use case. */
export const createNotifyRequesterTask = (deps: ApprovalTaskDeps<'NotifyRequester'>): TaskHandler =>
  workflowTask((event) => notifyRequester(deps, parseTaskInput(WorkflowIdsSchema, event)));
