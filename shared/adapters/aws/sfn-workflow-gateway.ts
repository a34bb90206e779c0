import {
  InvalidToken,
  SendTaskFailureCommand,
  SendTaskSuccessCommand,
  SFNClient,
  StartExecutionCommand,
  TaskDoesNotExist,
  TaskTimedOut,
} from '@aws-sdk/client-sfn';
import {
  type ApprovalWorkflowInput,
  TaskTokenGoneError,
  type WorkflowGateway,
} from '../../ports/workflow-gateway.ts';

function isGone(error: unknown): boolean {
  return (
    error instanceof TaskTimedOut ||
    error instanceof TaskDoesNotExist ||
    error instanceof InvalidToken ||
    ['TaskTimedOut', 'TaskDoesNotExist', 'InvalidToken'].includes((error as Error).name)
  );
}

/**
 * {@link WorkflowGateway} on AWS Step Functions: one standard execution per
 * change request (named after it, so a retried start cannot run twice), and
 * SendTaskSuccess/Failure for decisions. A timed-out or unknown token is a
 * {@link TaskTokenGoneError}; the token itself never appears in errors.
 *
 * @example new SfnWorkflowGateway({ stateMachineArn, client: new SFNClient({}) })
 */
export class SfnWorkflowGateway implements WorkflowGateway {
  readonly #stateMachineArn: string;
  readonly #client: SFNClient;

  constructor(options: { stateMachineArn: string; client?: SFNClient }) {
    this.#stateMachineArn = options.stateMachineArn;
    this.#client = options.client ?? new SFNClient({ maxAttempts: 3 });
  }

  async startApproval(input: ApprovalWorkflowInput): Promise<{ executionId: string }> {
    const out = await this.#client.send(
      new StartExecutionCommand({
        stateMachineArn: this.#stateMachineArn,
        // Execution names are unique per state machine for 90 days: a duplicate start is refused.
        name: `${input.tenantId}-${input.requestId}`.slice(0, 80),
        input: JSON.stringify({ tenantId: input.tenantId, requestId: input.requestId }),
      }),
    );
    return { executionId: out.executionArn ?? '' };
  }

  async sendTaskSuccess(taskToken: string, output: Record<string, unknown>): Promise<void> {
    try {
      await this.#client.send(new SendTaskSuccessCommand({ taskToken, output: JSON.stringify(output) }));
    } catch (error) {
      if (isGone(error)) throw new TaskTokenGoneError();
      throw new Error(`SendTaskSuccess failed: ${(error as Error).name}`);
    }
  }

  async sendTaskFailure(taskToken: string, error: string, cause: string): Promise<void> {
    try {
      await this.#client.send(
        new SendTaskFailureCommand({ taskToken, error: error.slice(0, 256), cause: cause.slice(0, 32768) }),
      );
    } catch (failure) {
      if (isGone(failure)) throw new TaskTokenGoneError();
      throw new Error(`SendTaskFailure failed: ${(failure as Error).name}`);
    }
  }
}
