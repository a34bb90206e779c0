import { toTaskError } from './task-errors.ts';

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
 * A Lambda entry for a task: builds the task (and its composition root) once
 * per cold start, on the first invocation, so that importing the module
 * builds nothing. A failed build is not cached: the next invocation retries.
 *
 * @example export const handler = lazyTask(() => createValidateTask(buildValidateTaskDeps(process.env)));
 */
export function lazyTask(build: () => TaskHandler): TaskHandler {
  let task: TaskHandler | undefined;
  return (event) => {
    task ??= build();
    return task(event);
  };
}
