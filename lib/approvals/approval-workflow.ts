import { Arn, ArnFormat, Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { ENV } from '../../shared/composition/env-vars.ts';
import { type EnvName, taskEnvNames } from '../../shared/composition/workflow-task-env.ts';
import { SLACK_SECRETS_ROOT } from '../../shared/domain/tenant-session-policy.ts';
import {
  APPROVAL_TASKS,
  type ApprovalTaskName,
  approvalWorkflowJson,
  PARTITION_SUBSTITUTION,
} from '../../shared/workflows/approval-workflow.ts';
import { WORKFLOW_TASK_PORTS, type WorkflowTaskPort } from '../../shared/workflows/workflow-task-ports.ts';
import { DOCUMENT_WRITER_ACTIONS, type TenantItemAction } from '../api/context-function-specs.ts';
import type { ContextFunctions } from '../api/context-functions.ts';
import { TenantAccessRole } from '../api/tenant-access-role.ts';
import type { StatefulStack } from '../data/stateful-stack.ts';
import { FunctionAlarms } from '../observability/alarms.ts';
import { grantTenantSecrets } from '../secrets/tenant-secret-grants.ts';
import { nagArn, vendedLogGroupName } from '../shared/aws-names.ts';
import { lambdaEntry } from '../shared/house-bundling.ts';
import { HouseFunction } from '../shared/house-function.ts';
import { grantApprovalEmail } from './grant-approval-email.ts';

/** What each task function is and may touch beyond its ports (`WORKFLOW_TASK_PORTS`). */
interface TaskSpec {
  entry: string;
  description: string;
  timeoutSeconds: number;
  /** Item actions of its tenant-scoped sessions (for its `documents` and `changeRequests` ports). */
  items: readonly TenantItemAction[];
}

const TASKS: Record<ApprovalTaskName, TaskSpec> = {
  Validate: {
    entry: 'workflow/validate',
    description: 'validate a change request',
    timeoutSeconds: 10,
    items: ['dynamodb:GetItem'],
  },
  AwaitDecision: {
    entry: 'workflow/await-decision',
    description: 'store the task token and send approval links',
    timeoutSeconds: 30,
    items: ['dynamodb:GetItem', 'dynamodb:PutItem'],
  },
  ResolveTimeout: {
    entry: 'workflow/resolve-timeout',
    description: 'expire a change request on timeout',
    timeoutSeconds: 10,
    items: ['dynamodb:GetItem', 'dynamodb:PutItem'],
  },
  Apply: {
    entry: 'workflow/apply',
    description: 'apply an approved change request',
    timeoutSeconds: 30,
    // The write path of versioned documents, projection included (issue 11).
    items: DOCUMENT_WRITER_ACTIONS,
  },
  NotifyRequester: {
    entry: 'workflow/notify-requester',
    description: 'tell the requester the outcome',
    timeoutSeconds: 20,
    items: ['dynamodb:GetItem'],
  },
  MarkFailed: {
    entry: 'workflow/mark-failed',
    description: 'mark a change request failed',
    timeoutSeconds: 20,
    items: ['dynamodb:GetItem', 'dynamodb:PutItem'],
  },
};

/** Props of {@link ApprovalWorkflow}. */
export interface ApprovalWorkflowProps {
  stage: string;
  /** The stateful stack: table, topics, and the task-token key and link-signing secret that must outlive this stack. */
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
 * (`DefinitionBody.fromString` + `definitionSubstitutions`, the partition
 * included), with full logging under `/aws/vendedlogs/` (execution data
 * excluded: it would hold task tokens) and X-Ray; one house function per
 * task whose environment and grants are derived from the ports
 * `WORKFLOW_TASK_PORTS` gives it (each variable `PORT_ENV` names, and the
 * grant that goes with it); and the grants of the HTTP functions
 * (`states:StartExecution` where requests are created,
 * `states:SendTaskSuccess` only where decisions are made). The task-token
 * key and the link-signing secret live in the stateful stack.
 *
 * @example new ApprovalWorkflow(this, 'Approvals', { stage, data, logRetentionDays: 30, httpFunctions, publicUrl: api.url });
 */
export class ApprovalWorkflow extends Construct {
  readonly stateMachine: sfn.StateMachine;
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
    const slackSecrets = Arn.format(
      {
        service: 'secretsmanager',
        resource: 'secret',
        resourceName: `${SLACK_SECRETS_ROOT}*`,
        arnFormat: ArnFormat.COLON_RESOURCE_NAME,
      },
      stack,
    );

    /** The value of each variable a task may be given (the tenant role is per function). */
    const values: Partial<Record<EnvName, string>> = {
      [ENV.tableName]: data.table.tableName,
      [ENV.tableArn]: data.table.tableArn,
      [ENV.tableKeyArn]: data.tableKey.keyArn,
      [ENV.approvalStateMachineArn]: stateMachineArn,
      [ENV.approvalsTopicArn]: data.approvalsTopic.topicArn,
      [ENV.linkSigningSecretArn]: data.signingSecret.secretArn,
      [ENV.taskTokenKeyArn]: data.tokenKey.keyArn,
      [ENV.publicUrl]: props.publicUrl,
      [ENV.secretsKeyArn]: data.secretsKey.keyArn,
    };
    /** What each port needs besides its variables. */
    const grants: Record<WorkflowTaskPort, (fn: HouseFunction) => void> = {
      documents: () => {},
      changeRequests: () => {},
      workflows: (fn) => {
        // A task signals only its own execution's task (AwaitDecision, when a decision beat the token).
        fn.role.addToPrincipalPolicy(
          new iam.PolicyStatement({
            actions: ['states:SendTaskSuccess', 'states:SendTaskFailure'],
            resources: [stateMachineArn],
          }),
        );
      },
      notifier: (fn) => {
        grantApprovalEmail(fn, data);
        fn.role.addToPrincipalPolicy(
          new iam.PolicyStatement({ actions: ['secretsmanager:GetSecretValue'], resources: [slackSecrets] }),
        );
        Validations.of(fn.role).acknowledge({
          id: `AwsSolutions-IAM5[Resource::${nagArn(stack, 'secretsmanager', `secret:${SLACK_SECRETS_ROOT}*`)}]`,
          reason: `Tenants name their Slack webhook secrets under ${SLACK_SECRETS_ROOT}<tenant>/; the handler reads only the caller tenant’s prefix.`,
        });
      },
      linkSigner: (fn) => data.signingSecret.grantRead(fn.role),
      tokenCipher: (fn) => data.tokenKey.grant(fn.role, 'kms:GenerateDataKey'),
      publicUrl: () => {},
      // Granted on the task's tenant-access role below (the session tenant's secrets only).
      secrets: () => {},
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
      });
      const ports: readonly WorkflowTaskPort[] = WORKFLOW_TASK_PORTS[name];
      if (ports.includes('documents') || ports.includes('changeRequests')) {
        const tenantAccess = new TenantAccessRole(this, `${name}TenantAccess`, {
          functionRole: fn.role,
          table: data.table,
          tableKey: data.tableKey,
          actions: spec.items,
          description: `Plumbline approval workflow ${name}: tenant-scoped data access`,
        });
        values[ENV.tenantRoleArn] = tenantAccess.role.roleArn;
        if (ports.includes('secrets')) grantTenantSecrets(tenantAccess.role, data.secretsKey);
      }
      for (const variable of taskEnvNames(name)) {
        const value = values[variable];
        if (value === undefined) throw new Error(`no value for ${variable} of approval task ${name}`);
        fn.function.addEnvironment(variable, value);
      }
      delete values[ENV.tenantRoleArn];
      for (const port of ports) grants[port](fn);
      new FunctionAlarms(this, `${name}Alarms`, {
        fn: fn.function,
        topic: data.alertsTopic,
        name: `approval-${name}`,
      });
      this.tasks.set(name, fn);
    }

    const logGroup = new logs.LogGroup(this, 'Logs', {
      logGroupName: vendedLogGroupName('states', stateMachineName),
      retention: logRetention as logs.RetentionDays,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.stateMachine = new sfn.StateMachine(this, 'StateMachine', {
      stateMachineName,
      stateMachineType: sfn.StateMachineType.STANDARD,
      definitionBody: sfn.DefinitionBody.fromString(approvalWorkflowJson()),
      definitionSubstitutions: {
        [PARTITION_SUBSTITUTION]: stack.partition,
        ...Object.fromEntries(
          (Object.entries(APPROVAL_TASKS) as [ApprovalTaskName, string][]).map(([name, key]) => [
            key,
            (this.tasks.get(name) as HouseFunction).function.functionArn,
          ]),
        ),
      },
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
    // the settings API's write gate creates requests. Each variable goes to the functions whose
    // root reads it (CONTEXT_PORTS -> PORT_ENV); the grants follow here.
    props.httpFunctions.provide(ENV.approvalStateMachineArn, stateMachineArn);
    props.httpFunctions.provide(ENV.taskTokenKeyArn, data.tokenKey.keyArn);
    props.httpFunctions.provide(ENV.linkSigningSecretArn, data.signingSecret.secretArn);
    props.httpFunctions.provide(ENV.publicUrl, props.publicUrl);
    const approvals = props.httpFunctions.functions.get('approvals');
    if (approvals) {
      approvals.role.addToPrincipalPolicy(
        new iam.PolicyStatement({
          actions: ['states:StartExecution', 'states:SendTaskSuccess', 'states:SendTaskFailure'],
          resources: [stateMachineArn],
        }),
      );
      data.tokenKey.grant(approvals.role, 'kms:Decrypt');
      data.signingSecret.grantRead(approvals.role);
    }
    // The secrets API's write gate creates requests too (protected environments, issue 13).
    const secretsFn = props.httpFunctions.functions.get('secrets');
    if (secretsFn) {
      secretsFn.role.addToPrincipalPolicy(
        new iam.PolicyStatement({ actions: ['states:StartExecution'], resources: [stateMachineArn] }),
      );
    }
    const settings = props.httpFunctions.functions.get('settings');
    if (settings) {
      settings.role.addToPrincipalPolicy(
        new iam.PolicyStatement({ actions: ['states:StartExecution'], resources: [stateMachineArn] }),
      );
    }
  }
}
