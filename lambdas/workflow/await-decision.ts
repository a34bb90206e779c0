/** Approval workflow task `AwaitDecision` (`.waitForTaskToken`; Lambda entry point). */
import type { ApprovalDeps } from '../../shared/use-cases/approvals/approval-deps.ts';
import { awaitDecision } from '../../shared/use-cases/approvals/await-decision.ts';
import { AwaitDecisionInputSchema, parseTaskInput } from '../../shared/workflows/task-input.ts';
import { lazyAwsTask, type TaskHandler, workflowTask } from './workflow-task.ts';

/** The task with its dependencies. */
export const createAwaitDecisionTask = (deps: ApprovalDeps): TaskHandler =>
  workflowTask((event) => awaitDecision(deps, parseTaskInput(AwaitDecisionInputSchema, event)));

/** Lambda handler. */
export const handler = lazyAwsTask(createAwaitDecisionTask);
