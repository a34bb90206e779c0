/**
 * The approval workflow, in Amazon States Language (JSONPath), kept as plain
 * data: CDK hands it to `DefinitionBody.fromString` with
 * `definitionSubstitutions` (the task functions' ARNs), and the local runtime
 * runs the very same object with aws-local-stepfunctions, overriding each
 * Task with the same handler the Lambda runs.
 *
 * validate → notify approvers and wait for the decision (task token,
 * timeout from the environment) → apply if approved (still at the base
 * version, else conflicted) → notify the requester. Rejection, withdrawal
 * and timeout close the request. Transient task errors are retried with
 * backoff; anything else is caught and marks the request `failed`.
 */

/** The substitution keys (`${Key}` in the definition): one per task function. */
export const APPROVAL_TASKS = {
  Validate: 'ValidateFunctionArn',
  AwaitDecision: 'AwaitDecisionFunctionArn',
  ResolveTimeout: 'ResolveTimeoutFunctionArn',
  Apply: 'ApplyFunctionArn',
  NotifyRequester: 'NotifyRequesterFunctionArn',
  MarkFailed: 'MarkFailedFunctionArn',
} as const;

/**
 * The substitution key of the partition (`aws`, `aws-cn`, `aws-us-gov`) in
 * the service-integration ARN: CDK passes the stack's `AWS::Partition`.
 */
export const PARTITION_SUBSTITUTION = 'Partition';

/** Every substitution key of the definition: one per task function, and the partition. */
export const APPROVAL_SUBSTITUTION_KEYS: readonly string[] = [
  ...Object.values(APPROVAL_TASKS),
  PARTITION_SUBSTITUTION,
];

/** A Task state's name in the approval workflow. */
export type ApprovalTaskName = keyof typeof APPROVAL_TASKS;

/**
 * Error names a task handler raises for failures worth retrying (the store
 * is throttled, a webhook is down), plus the Lambda service's own.
 */
export const TRANSIENT_ERRORS = [
  'Plumbline.Transient',
  'Lambda.ServiceException',
  'Lambda.AWSLambdaException',
  'Lambda.SdkClientException',
  'Lambda.TooManyRequestsException',
] as const;

const retry = [
  {
    ErrorEquals: [...TRANSIENT_ERRORS],
    IntervalSeconds: 2,
    BackoffRate: 2,
    MaxAttempts: 4,
    MaxDelaySeconds: 30,
    JitterStrategy: 'FULL',
  },
];

const ids = { 'tenantId.$': '$.tenantId', 'requestId.$': '$.requestId' };

const toFailure = [{ ErrorEquals: ['States.ALL'], ResultPath: '$.error', Next: 'MarkFailed' }];

/** The definition with `${...}` placeholders, as data. */
export const approvalWorkflowDefinition = {
  Comment: 'Plumbline change request approval: validate, wait for approvers, apply or close, notify',
  StartAt: 'Validate',
  States: {
    Validate: {
      Type: 'Task',
      Comment: 'Check the request is open and compute the remaining approval window',
      Resource: `\${${APPROVAL_TASKS.Validate}}`,
      Parameters: ids,
      // Why `$.Payload`: AwaitDecision reads its timeout with TimeoutSecondsPath. Step Functions resolves that
      // path in the state input, aws-local-stepfunctions in the evaluated Parameters; naming this result
      // `Payload` (and copying the value into the Parameters' Payload) makes one path resolve in both.
      ResultPath: '$.Payload',
      TimeoutSeconds: 30,
      Retry: retry,
      Catch: toFailure,
      Next: 'AwaitDecision',
    },
    AwaitDecision: {
      Type: 'Task',
      Comment: 'Store the encrypted task token, send each approver their links, then wait for the decision',
      Resource: `arn:\${${PARTITION_SUBSTITUTION}}:states:::lambda:invoke.waitForTaskToken`,
      Parameters: {
        FunctionName: `\${${APPROVAL_TASKS.AwaitDecision}}`,
        Payload: {
          ...ids,
          'taskToken.$': '$$.Task.Token',
          'executionId.$': '$$.Execution.Id',
          'approvalTimeoutSeconds.$': '$.Payload.approvalTimeoutSeconds',
        },
      },
      TimeoutSecondsPath: '$.Payload.approvalTimeoutSeconds',
      ResultPath: '$.decision',
      Retry: retry,
      Catch: [
        { ErrorEquals: ['States.Timeout'], ResultPath: '$.timeout', Next: 'ResolveTimeout' },
        ...toFailure,
      ],
      Next: 'RouteDecision',
    },
    ResolveTimeout: {
      Type: 'Task',
      Comment: 'Expire the request unless a decision won the race (then follow that decision)',
      Resource: `\${${APPROVAL_TASKS.ResolveTimeout}}`,
      Parameters: ids,
      ResultPath: '$.decision',
      TimeoutSeconds: 30,
      Retry: retry,
      Catch: toFailure,
      Next: 'RouteDecision',
    },
    RouteDecision: {
      Type: 'Choice',
      Choices: [{ Variable: '$.decision.status', StringEquals: 'approved', Next: 'Apply' }],
      Default: 'NotifyRequester',
    },
    Apply: {
      Type: 'Task',
      Comment:
        'Write the approved version if the document is still at the base version; else mark conflicted',
      Resource: `\${${APPROVAL_TASKS.Apply}}`,
      Parameters: ids,
      ResultPath: '$.outcome',
      TimeoutSeconds: 60,
      Retry: retry,
      Catch: toFailure,
      Next: 'NotifyRequester',
    },
    NotifyRequester: {
      Type: 'Task',
      Comment: 'Tell the requester how their request ended',
      Resource: `\${${APPROVAL_TASKS.NotifyRequester}}`,
      Parameters: ids,
      ResultPath: '$.notified',
      TimeoutSeconds: 30,
      Retry: retry,
      Catch: [{ ErrorEquals: ['States.ALL'], ResultPath: '$.error', Next: 'NotificationFailed' }],
      Next: 'Done',
    },
    MarkFailed: {
      Type: 'Task',
      Comment: 'Mark the request failed (if still open) and notify the requester',
      Resource: `\${${APPROVAL_TASKS.MarkFailed}}`,
      Parameters: { ...ids, 'error.$': '$.error' },
      ResultPath: '$.failed',
      TimeoutSeconds: 30,
      Retry: retry,
      Catch: [{ ErrorEquals: ['States.ALL'], ResultPath: '$.markFailedError', Next: 'Failed' }],
      Next: 'Failed',
    },
    NotificationFailed: {
      Type: 'Fail',
      Error: 'Plumbline.NotificationFailed',
      Cause: 'The request ended but its requester could not be notified',
    },
    Failed: {
      Type: 'Fail',
      Error: 'Plumbline.ChangeRequestFailed',
      Cause: 'A workflow step failed; the request is marked failed',
    },
    Done: { Type: 'Succeed' },
  },
} as const;

/**
 * The definition with every `${Key}` replaced, as Step Functions does with
 * `definitionSubstitutions`. Throws when a placeholder has no value.
 *
 * @example renderApprovalWorkflow(localTaskArns('eu-west-1'))
 */
export function renderApprovalWorkflow(substitutions: Record<string, string>): Record<string, unknown> {
  const text = JSON.stringify(approvalWorkflowDefinition).replace(
    /\$\{([A-Za-z0-9]+)\}/g,
    (_, key: string) => {
      const value = substitutions[key];
      if (value === undefined) throw new Error(`no substitution for \${${key}}`);
      return value;
    },
  );
  return JSON.parse(text) as Record<string, unknown>;
}

/** The definition as a JSON string with its placeholders, for `DefinitionBody.fromString`. */
export function approvalWorkflowJson(): string {
  return JSON.stringify(approvalWorkflowDefinition, null, 2);
}

/**
 * The substitutions for running the definition locally: the `aws` partition
 * and placeholder task ARNs (the local runner overrides every Task).
 */
export function localTaskArns(): Record<string, string> {
  return {
    [PARTITION_SUBSTITUTION]: 'aws',
    ...Object.fromEntries(
      Object.entries(APPROVAL_TASKS).map(([state, key]) => [
        key,
        `arn:aws:lambda:us-east-1:000000000000:function:plumbline-local-${state.toLowerCase()}`,
      ]),
    ),
  };
}
