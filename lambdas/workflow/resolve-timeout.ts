/** Approval workflow task `ResolveTimeout`: expire the request unless a decision won. Lambda entry point. */
import { buildResolveTimeoutTaskDeps } from '../../shared/composition/build-aws-workflow-task-deps.ts';
import { createResolveTimeoutTask } from '../../shared/workflows/tasks/resolve-timeout-task.ts';
import { lazyTask } from '../../shared/workflows/workflow-task.ts';

/** Lambda handler: the task with the ports its composition root builds from this function's environment. */
export const handler = lazyTask(() => createResolveTimeoutTask(buildResolveTimeoutTaskDeps(process.env)));
