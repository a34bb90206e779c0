/** Approval workflow task `AwaitDecision` (`.waitForTaskToken`): store the token, send the links. Lambda entry point. */
import { buildAwaitDecisionTaskDeps } from '../../shared/composition/build-aws-workflow-task-deps.ts';
import { createAwaitDecisionTask } from '../../shared/workflows/tasks/await-decision-task.ts';
import { lazyTask } from '../../shared/workflows/workflow-task.ts';

/** Lambda handler: the task with the ports its composition root builds from this function's environment. */
export const handler = lazyTask(() => createAwaitDecisionTask(buildAwaitDecisionTaskDeps(process.env)));
