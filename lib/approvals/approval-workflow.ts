import { Arn, ArnFormat, Duration, RemovalPolicy, Stack, Token, Validations } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { ENV } from '../../shared/composition/env-vars.ts';
import {
  APPROVAL_TASKS,
  type ApprovalTaskName,
  approvalWorkflowJson,
} from '../../shared/workflows/approval-workflow.ts';
import type { TenantItemAction } from '../api/context-function-specs.ts';
import type { ContextFunctions } from '../api/context-functions.ts';
import { TenantAccessRole } from '../api/tenant-access-role.ts';
import type { StatefulStack } from '../data/stateful-stack.ts';
import { FunctionAlarms } from '../observability/alarms.ts';
import { lambdaEntry } from '../shared/house-bundling.ts';
import { HouseFunction } from '../shared/house-function.ts';

/** An ARN as cdk-nag prints it in finding ids (unresolved pseudo parameters as `<AWS::...>`). */
function nagArn(stack: Stack, service: string, resource: string): string {
  const show = (value: string, name: string) => (Token.isUnresolved(value) ? `<AWS::${name}>` : value);
  return `arn:${show(stack.partition, 'Partition')}:${service}:${show(stack.region, 'Region')}:${show(stack.account, 'AccountId')}:${resource}`;
}

/** What each task function is and may touch. */
interface TaskSpec {
  entry: string;
  description: string;
  timeoutSeconds: number;
  /** Item actions of its tenant-scoped sessions. */
  items: readonly TenantItemAction[];
  /** Sends notifications (SNS email, Slack webhook secrets). */
  notifies: boolean;
  /** Encrypts the task token (AwaitDecision) or decrypts it. */
  tokenKey?: 'encrypt';
  /** Signs approval links. */
  signsLinks?: boolean;
  /** Completes its own task when a decision beat it (AwaitDecision). */
  sendsTaskResult?: boolean;
}

const TASKS: Record<ApprovalTaskName, TaskSpec> = {
  Validate: {
    entry: 'workflow/validate',
    description: 'validate a change request',
    timeoutSeconds: 10,
    items: ['dynamodb:GetItem'],
    notifies: false,
  },
  AwaitDecision: {
    entry: 'workflow/await-decision',
    description: 'store the task token and send approval links',
    timeoutSeconds: 30,
    items: ['dynamodb:GetItem', 'dynamodb:PutItem'],
    notifies: true,
    tokenKey: 'encrypt',
    signsLinks: true,
    sendsTaskResult: true,
  },
  ResolveTimeout: {
    entry: 'workflow/resolve-timeout',
    description: 'expire a change request on timeout',
    timeoutSeconds: 10,
    items: ['dynamodb:GetItem', 'dynamodb:PutItem'],
    notifies: false,
  },
  Apply: {
    entry: 'workflow/apply',
    description: 'apply an approved change request',
    timeoutSeconds: 30,
    items: ['dynamodb:GetItem', 'dynamodb:Query', 'dynamodb:PutItem'],
    notifies: false,
  },
  NotifyRequester: {
    entry: 'workflow/notify-requester',
    description: 'tell the requester the outcome',
    timeoutSeconds: 20,
    items: ['dynamodb:GetItem'],
    notifies: true,
  },
  MarkFailed: {
    entry: 'workflow/mark-failed',
    description: 'mark a change request failed',
    timeoutSeconds: 20,
    items: ['dynamodb:GetItem', 'dynamodb:PutItem'],
    notifies: true,
  },
};

/** Props of {@link ApprovalWorkflow}. */
export interface ApprovalWorkflowProps {
  stage: string;
  data: StatefulStack;
  logRetentionDays: number;
  /** The HTTP functions: `approvals` decides and starts workflows, `settings` starts them (the write gate). */
  httpFunctions: ContextFunctions;
  /** The API's public URL, for the links in approval messages. */
  publicUrl: string;
}

/**
 * The approval workflow on AWS (issue 5): the Step Functions state machine
 * built from the same ASL the local runtime runs
 * (`DefinitionBody.fromString` + `definitionSubstitutions`), with full
 * logging (execution data excluded: it would hold task tokens) and X-Ray;
 * one house function per task, each with its own tenant-access role and only
 * the grants it needs; the approval-link signing-key secret; the KMS key
 * wrapping task tokens at rest; and the grants of the HTTP functions
 * (`states:StartExecution` where requests are created,
 * `states:SendTaskSuccess` only where decisions are made).
 *
 * @example new ApprovalWorkflow(this, 'Approvals', { stage, data, logRetentionDays: 30, httpFunctions, publicUrl: api.url });
 */
export class ApprovalWorkflow extends Construct {
  readonly stateMachine: sfn.StateMachine;
  readonly signingSecret: secretsmanager.Secret;
  readonly tokenKey: kms.Key;
  readonly tasks = new Map<ApprovalTaskName, HouseFunction>();

  constructor(scope: Construct, id: string, props: ApprovalWorkflowProps) {
    super(scope, id);
    const { data } = props;
    const stack = Stack.of(this);
    const stateMachineName = `plumbline-${props.stage}-approval`;
    // Known before the state machine exists, so the task functions can name it without a dependency cycle.
    const stateMachineArn = Arn.format(
      {
        service: 'states',
        resource: 'stateMachine',
        resourceName: stateMachineName,
        arnFormat: ArnFormat.COLON_RESOURCE_NAME,
      },
      stack,
    );

    this.signingSecret = new secretsmanager.Secret(this, 'LinkSigningKey', {
      description: 'Plumbline: HMAC-SHA256 key of approval links',
      generateSecretString: { passwordLength: 64, excludePunctuation: true },
      removalPolicy: RemovalPolicy.RETAIN,
    });
    Validations.of(this.signingSecret).acknowledge({
      id: 'AwsSolutions-SMG4',
      reason:
        'Rotating the link-signing key invalidates every approval link in flight; it is rotated by hand between approval windows.',
    });
    this.tokenKey = new kms.Key(this, 'TaskTokenKey', {
      description: 'Plumbline: wraps the data keys encrypting Step Functions task tokens at rest',
      enableKeyRotation: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });

    const slackSecrets = Arn.format(
      {
        service: 'secretsmanager',
        resource: 'secret',
        resourceName: 'plumbline/slack/*',
        arnFormat: ArnFormat.COLON_RESOURCE_NAME,
      },
      stack,
    );
    const grantNotify = (fn: HouseFunction) => {
      fn.function.addEnvironment(ENV.approvalsTopicArn, data.approvalsTopic.topicArn);
      fn.role.addToPrincipalPolicy(
        new iam.PolicyStatement({ actions: ['sns:Publish'], resources: [data.approvalsTopic.topicArn] }),
      );
      fn.role.addToPrincipalPolicy(
        new iam.PolicyStatement({
          actions: ['kms:GenerateDataKey', 'kms:Decrypt'],
          resources: [data.messagingKey.keyArn],
          conditions: { StringEquals: { 'kms:ViaService': `sns.${stack.region}.amazonaws.com` } },
        }),
      );
      fn.role.addToPrincipalPolicy(
        new iam.PolicyStatement({ actions: ['secretsmanager:GetSecretValue'], resources: [slackSecrets] }),
      );
      Validations.of(fn.role).acknowledge({
        id: `AwsSolutions-IAM5[Resource::${nagArn(stack, 'secretsmanager', 'secret:plumbline/slack/*')}]`,
        reason:
          'Tenants name their Slack webhook secrets under plumbline/slack/<tenant>/; the handler reads only the caller tenant’s prefix.',
      });
    };
    const grantSigning = (fn: HouseFunction) => {
      fn.function.addEnvironment(ENV.linkSigningSecretArn, this.signingSecret.secretArn);
      this.signingSecret.grantRead(fn.role);
      fn.function.addEnvironment(ENV.publicUrl, props.publicUrl);
    };

    const logRetention = props.logRetentionDays;
    for (const [name, spec] of Object.entries(TASKS) as [ApprovalTaskName, TaskSpec][]) {
      const fn = new HouseFunction(this, name, {
        entry: lambdaEntry(spec.entry),
        description: `Plumbline approval workflow: ${spec.description}`,
        memorySize: 512,
        timeout: Duration.seconds(spec.timeoutSeconds),
        logRetentionDays: logRetention,
        // Step Functions invokes tasks synchronously: failures return to its Retry/Catch.
        invocation: 'synchronous',
        environment: {
          [ENV.tableName]: data.table.tableName,
          [ENV.approvalStateMachineArn]: stateMachineArn,
        },
      });
      const tenantAccess = new TenantAccessRole(this, `${name}TenantAccess`, {
        functionRole: fn.role,
        table: data.table,
        tableKey: data.tableKey,
        actions: spec.items,
        description: `Plumbline approval workflow ${name}: tenant-scoped data access`,
      });
      fn.function.addEnvironment(ENV.tableArn, data.table.tableArn);
      fn.function.addEnvironment(ENV.tableKeyArn, data.tableKey.keyArn);
      fn.function.addEnvironment(ENV.tenantRoleArn, tenantAccess.role.roleArn);
      if (spec.notifies) grantNotify(fn);
      if (spec.signsLinks) grantSigning(fn);
      if (spec.tokenKey === 'encrypt') {
        fn.function.addEnvironment(ENV.taskTokenKeyArn, this.tokenKey.keyArn);
        this.tokenKey.grant(fn.role, 'kms:GenerateDataKey');
      }
      if (spec.sendsTaskResult) {
        fn.role.addToPrincipalPolicy(
          new iam.PolicyStatement({
            actions: ['states:SendTaskSuccess', 'states:SendTaskFailure'],
            resources: [stateMachineArn],
          }),
        );
      }
      new FunctionAlarms(this, `${name}Alarms`, {
        fn: fn.function,
        topic: data.alertsTopic,
        name: `approval-${name}`,
      });
      this.tasks.set(name, fn);
    }

    const logGroup = new logs.LogGroup(this, 'Logs', {
      retention: logRetention as logs.RetentionDays,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.stateMachine = new sfn.StateMachine(this, 'StateMachine', {
      stateMachineName,
      stateMachineType: sfn.StateMachineType.STANDARD,
      definitionBody: sfn.DefinitionBody.fromString(approvalWorkflowJson()),
      definitionSubstitutions: Object.fromEntries(
        (Object.entries(APPROVAL_TASKS) as [ApprovalTaskName, string][]).map(([name, key]) => [
          key,
          (this.tasks.get(name) as HouseFunction).function.functionArn,
        ]),
      ),
      // Execution data would log the task token (AwaitDecision's Parameters): levels and events only.
      logs: { destination: logGroup, level: sfn.LogLevel.ALL, includeExecutionData: false },
      tracingEnabled: true,
    });
    // fromString does not grant: the state machine may invoke exactly its six task functions.
    this.stateMachine.addToRolePolicy(
      new iam.PolicyStatement({
        actions: ['lambda:InvokeFunction'],
        resources: [...this.tasks.values()].map((fn) => fn.function.functionArn),
      }),
    );
    Validations.of(this.stateMachine.role).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'Step Functions log delivery (logs:CreateLogDelivery etc.) and X-Ray (PutTraceSegments) support only Resource "*".',
    });

    new cloudwatch.Alarm(this, 'ExecutionsFailed', {
      alarmDescription: 'Approval workflow executions failed (requests marked failed or not notified)',
      metric: this.stateMachine.metricFailed({ period: Duration.minutes(5), statistic: 'Sum' }),
      threshold: 1,
      evaluationPeriods: 1,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    }).addAlarmAction(new actions.SnsAction(data.alertsTopic));

    // The HTTP functions: the approvals API decides (and its environment writes may create requests);
    // the settings API's write gate creates requests.
    const approvals = props.httpFunctions.functions.get('approvals');
    if (approvals) {
      approvals.function.addEnvironment(ENV.approvalStateMachineArn, stateMachineArn);
      approvals.function.addEnvironment(ENV.taskTokenKeyArn, this.tokenKey.keyArn);
      approvals.role.addToPrincipalPolicy(
        new iam.PolicyStatement({
          actions: ['states:StartExecution', 'states:SendTaskSuccess', 'states:SendTaskFailure'],
          resources: [stateMachineArn],
        }),
      );
      this.tokenKey.grant(approvals.role, 'kms:Decrypt');
      grantSigning(approvals);
    }
    const settings = props.httpFunctions.functions.get('settings');
    if (settings) {
      settings.function.addEnvironment(ENV.approvalStateMachineArn, stateMachineArn);
      settings.role.addToPrincipalPolicy(
        new iam.PolicyStatement({ actions: ['states:StartExecution'], resources: [stateMachineArn] }),
      );
    }
  }
}
