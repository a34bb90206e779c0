/** Approval workflow task `MarkFailed` (the Catch path): mark the request failed, tell the requester. Lambda entry point. */
import { buildMarkFailedTaskDeps } from '../../shared/composition/build-aws-workflow-task-deps.ts';
import { createMarkFailedTask } from '../../shared/workflows/tasks/mark-failed-task.ts';
import { lazyTask } from '../../shared/workflows/workflow-task.ts';

/** Lambda handler: the task with the ports its composition root builds from this function's environment. */
export const handler = lazyTask(() => createMarkFailedTask(buildMarkFailedTaskDeps(process.env)));
