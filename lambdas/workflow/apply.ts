/** Approval workflow task `Apply`: write the approved version. Lambda entry point. */
import { buildApplyTaskDeps } from '../../shared/composition/build-aws-apply-task-deps.ts';
import { createApplyTask } from '../../shared/workflows/tasks/apply-task.ts';
import { lazyTask } from '../../shared/workflows/workflow-task.ts';

/** Lambda handler: the task with the ports its composition root builds from this function's environment. */
export const handler = lazyTask(() => createApplyTask(buildApplyTaskDeps(process.env)));
