/** Shared wrapper of the approval workflow's task Lambdas. */
import { buildAwsDeps } from '../../shared/composition/build-aws-deps.ts';
import { type ApprovalDeps, requireApprovalDeps } from '../../shared/use-cases/approvals/approval-deps.ts';
import { toTaskError } from '../../shared/workflows/task-errors.ts';

/** A task handler: the state's evaluated Parameters in, its result out. */
export type TaskHandler = (event: unknown) => Promise<unknown>;

/** Wraps a step so that its errors carry the names the definition's Retry/Catch match. */
export function workflowTask(run: (event: unknown) => Promise<unknown>): TaskHandler {
  return async (event) => {
    try {
      return await run(event);
    } catch (error) {
      throw toTaskError(error);
    }
  };
}

/**
 * The Lambda entry for a task: builds the AWS deps once per cold start (on
 * the first invocation, so that importing the module, as the local runner
 * does, builds nothing).
 */
export function lazyAwsTask(factory: (deps: ApprovalDeps) => TaskHandler): TaskHandler {
  let task: TaskHandler | undefined;
  return (event) => {
    task ??= factory(requireApprovalDeps(buildAwsDeps(process.env)));
    return task(event);
  };
}
