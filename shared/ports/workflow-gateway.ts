/** What an approval workflow execution starts with. */
export interface ApprovalWorkflowInput {
  tenantId: string;
  requestId: string;
}

/**
 * Drives the approval state machine: Step Functions on AWS,
 * aws-local-stepfunctions in the local runtime, with the same definition.
 */
export interface WorkflowGateway {
  /** Starts one execution for a change request; returns its id. */
  startApproval(input: ApprovalWorkflowInput): Promise<{ executionId: string }>;
  /** Completes a waiting `.waitForTaskToken` task with `output`. */
  sendTaskSuccess(taskToken: string, output: Record<string, unknown>): Promise<void>;
  /** Fails a waiting task with an error name and cause. */
  sendTaskFailure(taskToken: string, error: string, cause: string): Promise<void>;
}

/** The task the token names is gone: it timed out, finished, or never existed. */
export class TaskTokenGoneError extends Error {
  constructor(message = 'the task token is no longer valid') {
    super(message);
    this.name = 'TaskTokenGoneError';
  }
}
