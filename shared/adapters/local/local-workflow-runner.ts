import { randomBytes, randomUUID } from 'node:crypto';
import { type RunOptions, StateMachine, type StateMachineDefinition } from 'aws-local-stepfunctions';
import type { AppLogger } from '../../ports/app-logger.ts';
import {
  type ApprovalWorkflowInput,
  TaskTokenGoneError,
  type WorkflowGateway,
} from '../../ports/workflow-gateway.ts';

/** A task handler as the local runner calls it: the state's evaluated Parameters in, its result out. */
export type LocalTaskHandler = (input: unknown) => Promise<unknown>;

/** How one local execution ended. */
export interface LocalExecutionResult {
  executionId: string;
  status: 'SUCCEEDED' | 'FAILED' | 'ABORTED';
  output?: unknown;
  error?: string;
  /** The states entered, in order (for tests and debugging). */
  states: string[];
  /** The states retried, once per retry. */
  retried: string[];
}

interface Waiter {
  resolve(output: unknown): void;
  reject(error: Error): void;
}

/** Options of {@link LocalWorkflowRunner}. */
export interface LocalWorkflowRunnerOptions {
  /** The rendered definition (placeholders substituted). */
  definition: Record<string, unknown>;
  /** The state whose task waits for a token (`.waitForTaskToken`). */
  waitState: string;
  logger: AppLogger;
  /** Milliseconds between retries, replacing the definition's backoff (tests keep it small). */
  retryIntervalMs?: number;
}

/**
 * {@link WorkflowGateway} for the local runtime: runs the same ASL definition
 * with aws-local-stepfunctions, every Task overridden by the handler the
 * Lambda would run. aws-local-stepfunctions does not fill `$$.Task.Token`, so
 * each execution gets a random token through its context object; the wait
 * state's override runs its handler, then waits until
 * {@link sendTaskSuccess}/{@link sendTaskFailure} names that token (or the
 * state's TimeoutSeconds passes).
 *
 * @example const runner = new LocalWorkflowRunner({ definition, waitState: 'AwaitDecision', logger }); runner.attach(handlers);
 */
export class LocalWorkflowRunner implements WorkflowGateway {
  readonly #machine: StateMachine;
  readonly #options: LocalWorkflowRunnerOptions;
  #handlers: Record<string, LocalTaskHandler> | undefined;
  readonly #waiters = new Map<string, Waiter>();
  readonly #executions = new Map<string, { abort(): void; done: Promise<LocalExecutionResult> }>();
  /** Task handlers running now: close() waits for them, so none reads a closed database. */
  readonly #running = new Set<Promise<unknown>>();
  #closing = false;

  constructor(options: LocalWorkflowRunnerOptions) {
    this.#options = options;
    this.#machine = new StateMachine(options.definition as unknown as StateMachineDefinition);
  }

  /** Supplies the task handlers (they need deps that hold this runner, hence after construction). */
  attach(handlers: Record<string, LocalTaskHandler>): void {
    this.#handlers = handlers;
  }

  async startApproval(input: ApprovalWorkflowInput): Promise<{ executionId: string }> {
    const handlers = this.#handlers;
    if (!handlers) throw new Error('the local workflow runner has no task handlers attached');
    if (this.#closing) throw new RunnerClosingError();
    const executionId = `arn:aws:states:local:000000000000:execution:plumbline-approval:${randomUUID()}`;
    const token = randomBytes(48).toString('base64url');
    const taskResourceLocalHandlers: Record<string, (input: never) => Promise<unknown>> = {};
    for (const [state, handler] of Object.entries(handlers)) {
      taskResourceLocalHandlers[state] =
        state === this.#options.waitState
          ? ((async (parameters: { Payload?: unknown }) => {
              // Register before running the handler: it may complete its own task at once.
              const decided = new Promise<unknown>((resolve, reject) =>
                this.#waiters.set(token, { resolve, reject }),
              );
              decided.catch(() => undefined);
              try {
                await this.#run(() => handler(parameters.Payload));
              } catch (error) {
                this.#waiters.delete(token);
                throw error;
              }
              return decided;
            }) as never)
          : ((async (parameters: unknown) => this.#run(() => handler(parameters))) as never);
    }
    const retryIntervalOverrides: Record<string, number> = {};
    if (this.#options.retryIntervalMs !== undefined) {
      for (const state of Object.keys(handlers))
        retryIntervalOverrides[state] = this.#options.retryIntervalMs;
    }
    const runOptions: RunOptions = {
      overrides: { taskResourceLocalHandlers, retryIntervalOverrides } as unknown as NonNullable<
        RunOptions['overrides']
      >,
      noThrowOnAbort: true,
      context: {
        Execution: {
          Id: executionId,
          Input: { ...input },
          StartTime: new Date().toISOString(),
          Name: executionId.split(':').at(-1),
        },
        Task: { Token: token },
      },
    };
    const execution = this.#machine.run({ ...input }, runOptions);
    const states: string[] = [];
    const retried: string[] = [];
    // Why: a timed-out or failed wait leaves our override pending; drop its waiter when the state ends,
    // so a late decision gets TaskTokenGoneError, as Step Functions answers TaskTimedOut.
    const watch = (async () => {
      for await (const event of execution.eventLogs) {
        const state = (event as { state?: { name?: string } }).state?.name;
        if (event.type === 'StateEntered' && state) states.push(state);
        if (event.type === 'StateRetried' && state) retried.push(state);
        if (
          state === this.#options.waitState &&
          (event.type === 'StateFailed' || event.type === 'StateExited')
        ) {
          this.#waiters.delete(token);
        }
      }
    })().catch(() => undefined);
    const done = execution.result.then(
      async (output): Promise<LocalExecutionResult> => {
        await watch;
        return output === null
          ? { executionId, status: 'ABORTED', states, retried }
          : { executionId, status: 'SUCCEEDED', output, states, retried };
      },
      async (error: unknown): Promise<LocalExecutionResult> => {
        await watch;
        return { executionId, status: 'FAILED', error: (error as Error).message, states, retried };
      },
    );
    void done.then((result) => {
      this.#waiters.delete(token);
      const level = result.status === 'SUCCEEDED' ? 'info' : 'warn';
      this.#options.logger[level]('approval workflow ended', {
        executionId,
        status: result.status,
        changeRequestId: input.requestId,
      });
    });
    this.#executions.set(executionId, { abort: execution.abort, done });
    return { executionId };
  }

  async sendTaskSuccess(taskToken: string, output: Record<string, unknown>): Promise<void> {
    const waiter = this.#waiters.get(taskToken);
    if (!waiter) throw new TaskTokenGoneError();
    this.#waiters.delete(taskToken);
    waiter.resolve(output);
  }

  async sendTaskFailure(taskToken: string, error: string, cause: string): Promise<void> {
    const waiter = this.#waiters.get(taskToken);
    if (!waiter) throw new TaskTokenGoneError();
    this.#waiters.delete(taskToken);
    const failure = new Error(cause);
    failure.name = error;
    waiter.reject(failure);
  }

  /** Resolves when the execution ends (tests and the CLI's local mode wait on it). */
  async settled(executionId: string): Promise<LocalExecutionResult> {
    const execution = this.#executions.get(executionId);
    if (!execution) throw new Error(`no local execution ${executionId}`);
    return execution.done;
  }

  /** The ids of every execution started, oldest first. */
  executionIds(): string[] {
    return [...this.#executions.keys()];
  }

  /**
   * Stops every execution (the local runtime is stopping): aborts them, ends
   * the waits for a decision (which also clears aws-local-stepfunctions'
   * timer of the approval window), refuses any further task, and resolves
   * once the task handlers still running have finished. Only then may the
   * caller close the database they read.
   */
  async close(): Promise<void> {
    this.#closing = true;
    for (const execution of this.#executions.values()) execution.abort();
    for (const [token, waiter] of this.#waiters) {
      this.#waiters.delete(token);
      waiter.reject(new RunnerClosingError());
    }
    while (this.#running.size > 0) await Promise.allSettled([...this.#running]);
    await Promise.allSettled([...this.#executions.values()].map((e) => e.done));
  }

  /** Runs one task handler, tracked for {@link close}; none starts once closing. */
  #run(task: () => Promise<unknown>): Promise<unknown> {
    if (this.#closing) return Promise.reject(new RunnerClosingError());
    const running = task();
    this.#running.add(running);
    const forget = () => this.#running.delete(running);
    void running.then(forget, forget);
    return running;
  }
}

/** A task refused or a wait ended because the local runtime is stopping (never retried). */
export class RunnerClosingError extends Error {
  override name = 'Plumbline.RuntimeClosing';
  constructor() {
    super('the local runtime is stopping');
  }
}
