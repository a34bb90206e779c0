/** Approval workflow task `Validate`: is the request open, how long may approvers take. Lambda entry point. */
import { buildValidateTaskDeps } from '../../shared/composition/build-aws-workflow-task-deps.ts';
import { createValidateTask } from '../../shared/workflows/tasks/validate-task.ts';
import { lazyTask } from '../../shared/workflows/workflow-task.ts';

/** Lambda handler: the task with the ports its composition root builds from this function's environment. */
export const handler = lazyTask(() => createValidateTask(buildValidateTaskDeps(process.env)));
