import { awaitDecision } from '../../use-cases/approvals/await-decision.ts';
import { AwaitDecisionInputSchema, parseTaskInput } from '../task-input.ts';
import { type TaskHandler, workflowTask } from '../workflow-task.ts';
import type { ApprovalTaskDeps } from '../workflow-task-ports.ts';

/** Task `AwaitDecision` (`.waitForTaskToken`): stores the task token and notifies the approvers. In a module of its own so that its Lambda bundle carries no other task's use case. */
export const createAwaitDecisionTask = (deps: ApprovalTaskDeps<'AwaitDecision'>): TaskHandler =>
  workflowTask((event) => awaitDecision(deps, parseTaskInput(AwaitDecisionInputSchema, event)));
