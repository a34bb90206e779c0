/** Approval workflow task `NotifyRequester`: tell the requester the outcome. Lambda entry point. */
import { buildNotifyRequesterTaskDeps } from '../../shared/composition/build-aws-workflow-task-deps.ts';
import { createNotifyRequesterTask } from '../../shared/workflows/tasks/notify-requester-task.ts';
import { lazyTask } from '../../shared/workflows/workflow-task.ts';

/** Lambda handler: the task with the ports its composition root builds from this function's environment. */
export const handler = lazyTask(() => createNotifyRequesterTask(buildNotifyRequesterTaskDeps(process.env)));
