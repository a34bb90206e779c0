import { Duration, Validations } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { ENV } from '../../shared/composition/env-vars.ts';
import { DOCUMENT_READER_ACTIONS } from '../api/context-function-specs.ts';
import { TenantAccessRole } from '../api/tenant-access-role.ts';
import { grantApprovalEmail } from '../approvals/grant-approval-email.ts';
import type { StatefulStack } from '../data/stateful-stack.ts';
import { FunctionAlarms } from '../observability/alarms.ts';
import { lambdaEntry } from '../shared/house-bundling.ts';
import { HouseFunction } from '../shared/house-function.ts';
import { grantTenantSecrets } from './tenant-secret-grants.ts';

/** Props of {@link SecretRotation}. */
export interface SecretRotationProps {
  data: StatefulStack;
  logRetentionDays: number;
  /** The approval state machine: a due secret of a protected environment becomes a change request. */
  stateMachineArn: string;
}

/**
 * The daily secret rotation job (issue 13): an EventBridge rule at 03:00
 * UTC invokes a house function that lists the tenants' secret scopes (names
 * and tags only), rotates due generated secrets and tells the owners of due
 * provided ones (approvals topic). Tenant data and secrets are reached only
 * through its tenant-access role, per tenant; failed runs land in an
 * encrypted dead-letter queue.
 *
 * @example new SecretRotation(this, 'SecretRotation', { data, logRetentionDays: 30, stateMachineArn });
 */
export class SecretRotation extends Construct {
  readonly function: HouseFunction;
  readonly rule: events.Rule;

  constructor(scope: Construct, id: string, props: SecretRotationProps) {
    super(scope, id);
    const { data } = props;
    const failures = new sqs.Queue(this, 'Failures', {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    Validations.of(failures).acknowledge({
      id: 'Serverless-SQSRedrivePolicy',
      reason: 'This queue is itself the dead-letter queue of the rotation function and its schedule.',
    });
    this.function = new HouseFunction(this, 'Function', {
      entry: lambdaEntry('scheduled/rotate-secrets'),
      description:
        'Plumbline daily secret rotation (generated secrets rotated, owners of provided ones told)',
      memorySize: 512,
      timeout: Duration.minutes(5),
      logRetentionDays: props.logRetentionDays,
      invocation: 'scheduled',
      deadLetterQueue: failures,
      environment: { [ENV.tableName]: data.table.tableName },
    });
    const fn = this.function;
    const tenantAccess = new TenantAccessRole(this, 'TenantAccess', {
      functionRole: fn.role,
      table: data.table,
      tableKey: data.tableKey,
      // Secret heads and versions (PutItem); the document reader's actions: a gated rotation reads settings.
      actions: [...DOCUMENT_READER_ACTIONS, 'dynamodb:PutItem'],
      description: 'Plumbline secret rotation: tenant-scoped data and secrets (assumed per tenant)',
    });
    grantTenantSecrets(tenantAccess.role, data.secretsKey);
    fn.function.addEnvironment(ENV.tableArn, data.table.tableArn);
    fn.function.addEnvironment(ENV.tableKeyArn, data.tableKey.keyArn);
    fn.function.addEnvironment(ENV.tenantRoleArn, tenantAccess.role.roleArn);
    fn.function.addEnvironment(ENV.secretsKeyArn, data.secretsKey.keyArn);
    fn.function.addEnvironment(ENV.approvalStateMachineArn, props.stateMachineArn);
    fn.role.addToPrincipalPolicy(
      new iam.PolicyStatement({ actions: ['states:StartExecution'], resources: [props.stateMachineArn] }),
    );
    grantApprovalEmail(fn, data);
    // Names and tags only: ListSecrets returns no value (values need GetSecretValue, which only the tenant role has).
    fn.role.addToPrincipalPolicy(
      new iam.PolicyStatement({ actions: ['secretsmanager:ListSecrets'], resources: ['*'] }),
    );
    Validations.of(fn.role).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'secretsmanager:ListSecrets supports only Resource "*"; it returns names and tags (never values) so the job finds each tenant scope. X-Ray also needs "*".',
    });
    new FunctionAlarms(this, 'Alarms', { fn: fn.function, topic: data.alertsTopic, name: 'secret-rotation' });
    this.rule = new events.Rule(this, 'Daily', {
      description: 'Plumbline: run the secret rotation job every day',
      schedule: events.Schedule.cron({ minute: '0', hour: '3' }),
      targets: [new targets.LambdaFunction(fn.function, { deadLetterQueue: failures, retryAttempts: 2 })],
    });
  }
}
