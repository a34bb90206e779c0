import { Duration, Stack, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { ENV } from '../../shared/composition/env-vars.ts';
import { TABLE_KEY_READ_ACTIONS } from '../../shared/domain/tenant-session-policy.ts';
import { SCAN_METRICS_NAMESPACE } from '../../shared/ports/metrics.ts';
import { DOCUMENT_READER_ACTIONS } from '../api/context-function-specs.ts';
import { TenantAccessRole } from '../api/tenant-access-role.ts';
import type { StatefulStack } from '../data/stateful-stack.ts';
import { grantTenantSecrets } from '../secrets/tenant-secret-grants.ts';
import { nagArn, viaService } from '../shared/aws-names.ts';
import { lambdaEntry } from '../shared/house-bundling.ts';
import { HouseFunction } from '../shared/house-function.ts';
import type { DriftQueue } from './drift-queue.ts';
import { grantDriftReports } from './grant-drift-reports.ts';

/** The scanner's timeout: a cluster's 60 s plus the report, summary and alert (`SCAN_GRACE_MS`), with room. */
export const SCANNER_TIMEOUT = Duration.minutes(2);
/** Scan messages one scanner invocation takes (scanned side by side). */
export const SCAN_BATCH_SIZE = 5;
/** Scanner invocations at once: bounds the load on clusters, the table and Secrets Manager. */
export const SCANNER_MAX_CONCURRENCY = 10;
/** The role name prefix a cluster's `roleArn` must have for the scanner to assume it (EKS clusters in other accounts). */
export const EKS_ROLE_NAME_PREFIX = 'plumbline-drift-';

/** Props of {@link DriftFunctions}. */
export interface DriftFunctionsProps {
  data: StatefulStack;
  logRetentionDays: number;
  queue: DriftQueue;
  /** Where the dispatcher's failed scheduled invocations land (the scanner has none: see `invocation: 'queue'`). */
  dispatcherDeadLetterQueue: sqs.IQueue;
  /** The API's base URL, for the report link in alerts. */
  publicUrl: string;
}

/**
 * The drift dispatcher and scanner functions (issue 14), each with only
 * what it uses. Dispatcher: a Scan of the table limited by IAM to the key,
 * `kind`, `tenantId` and `clusterId` attributes, tenant sessions that may
 * only put items (queued scans), and sending to the scan queue. Scanner:
 * tenant sessions reading documents and drift items and putting scans,
 * reports and audit entries, the session tenant's secrets (cluster tokens),
 * report files into the bucket and observations out of it, publishing to
 * the alerts topic, assuming `plumbline-drift-*` roles for EKS clusters,
 * and the queue as its event source (partial batch failures, bounded
 * concurrency).
 *
 * @example const fns = new DriftFunctions(this, 'Functions', { data, logRetentionDays: 30, queue, ... });
 */
export class DriftFunctions extends Construct {
  readonly dispatcher: HouseFunction;
  readonly scanner: HouseFunction;

  constructor(scope: Construct, id: string, props: DriftFunctionsProps) {
    super(scope, id);
    const { data } = props;
    this.dispatcher = new HouseFunction(this, 'Dispatcher', {
      entry: lambdaEntry('scheduled/drift-dispatcher'),
      description: 'Plumbline drift dispatcher (every registered cluster -> one scan message)',
      memorySize: 256,
      timeout: Duration.minutes(1),
      logRetentionDays: props.logRetentionDays,
      invocation: 'scheduled',
      deadLetterQueue: props.dispatcherDeadLetterQueue,
      environment: { [ENV.tableName]: data.table.tableName },
    });
    this.#tenantData(this.dispatcher, 'DispatcherTenantAccess', ['dynamodb:PutItem'], 'queued scans', data);
    this.dispatcher.role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'ListClusterIdsOfEveryTenant',
        actions: ['dynamodb:Scan'],
        resources: [data.table.tableArn],
        conditions: {
          'ForAllValues:StringEquals': {
            'dynamodb:Attributes': ['pk', 'sk', 'kind', 'tenantId', 'clusterId'],
          },
          // Why: ForAllValues is also true when the request names no attributes (IAM guide, "Multivalued
          // context key examples"), i.e. a Scan without ProjectionExpression reading every tenant's items.
          Null: { 'dynamodb:Attributes': 'false' },
          // As in IAM's "DynamoDB: Allows access to specific attributes" example: no index projection beyond them.
          StringEqualsIfExists: { 'dynamodb:Select': 'SPECIFIC_ATTRIBUTES' },
        },
      }),
    );
    this.dispatcher.role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: [...TABLE_KEY_READ_ACTIONS],
        resources: [data.tableKey.keyArn],
        conditions: { StringEquals: { 'kms:ViaService': viaService(this, 'dynamodb') } },
      }),
    );
    props.queue.grantSend(this.dispatcher);

    this.scanner = new HouseFunction(this, 'Scanner', {
      entry: lambdaEntry('scheduled/drift-scanner'),
      description: 'Plumbline drift scanner (reads clusters, writes reports, alerts on high findings)',
      memorySize: 1024,
      timeout: SCANNER_TIMEOUT,
      logRetentionDays: props.logRetentionDays,
      // Only the scan queue invokes it: failing messages go to the queue's dead-letter queue.
      invocation: 'queue',
      environment: {
        [ENV.tableName]: data.table.tableName,
        [ENV.publicUrl]: props.publicUrl,
        [ENV.alertsTopicArn]: data.alertsTopic.topicArn,
        [ENV.metricsNamespace]: SCAN_METRICS_NAMESPACE,
        [ENV.clusterTimeoutMs]: '60000',
      },
    });
    const scannerAccess = this.#tenantData(
      this.scanner,
      'ScannerTenantAccess',
      [...DOCUMENT_READER_ACTIONS, 'dynamodb:PutItem'],
      'documents, cluster tokens, scans and reports',
      data,
    );
    grantDriftReports(this.scanner, data, 'write-reports');
    grantTenantSecrets(scannerAccess.role, data.secretsKey);
    this.scanner.function.addEnvironment(ENV.secretsKeyArn, data.secretsKey.keyArn);
    this.scanner.role.addToPrincipalPolicy(
      new iam.PolicyStatement({ actions: ['sns:Publish'], resources: [data.alertsTopic.topicArn] }),
    );
    this.scanner.role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ['kms:GenerateDataKey', 'kms:Decrypt'],
        resources: [data.messagingKey.keyArn],
        conditions: { StringEquals: { 'kms:ViaService': viaService(this, 'sns') } },
      }),
    );
    // Any account's role with the prefix, in the stack's partition (aws-cn in China).
    const eksRoles = { region: '', account: '*' };
    const eksRoleResource = `role/${EKS_ROLE_NAME_PREFIX}*`;
    this.scanner.role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'AssumeEksReaderRoles',
        actions: ['sts:AssumeRole'],
        resources: [Stack.of(this).formatArn({ service: 'iam', resource: eksRoleResource, ...eksRoles })],
      }),
    );
    Validations.of(this.scanner.role).acknowledge({
      id: `AwsSolutions-IAM5[Resource::${nagArn(Stack.of(this), 'iam', eksRoleResource, eksRoles)}]`,
      reason:
        'An EKS cluster registered with a roleArn (often in another account) is read under that role; the scanner may assume only roles named plumbline-drift-*, which each cluster owner creates and trusts.',
    });
    this.scanner.function.addEventSource(
      new SqsEventSource(props.queue.queue, {
        batchSize: SCAN_BATCH_SIZE,
        reportBatchItemFailures: true,
        maxConcurrency: SCANNER_MAX_CONCURRENCY,
      }),
    );
    Validations.of(this.scanner.function).acknowledge({
      id: 'Serverless-LambdaEventSourceMappingDestination',
      reason:
        "An SQS event source takes no on-failure destination: a message that keeps failing moves to the scan queue's own dead-letter queue (redrive policy, alarmed).",
    });
  }

  /** A tenant-access role for `fn` with `actions`, and the variables that reach it. */
  #tenantData(
    fn: HouseFunction,
    id: string,
    actions: ConstructorParameters<typeof TenantAccessRole>[2]['actions'],
    what: string,
    data: StatefulStack,
  ): TenantAccessRole {
    const access = new TenantAccessRole(this, id, {
      functionRole: fn.role,
      table: data.table,
      tableKey: data.tableKey,
      actions,
      description: `Plumbline drift: tenant-scoped ${what} (assumed per tenant)`,
    });
    fn.function.addEnvironment(ENV.tableArn, data.table.tableArn);
    fn.function.addEnvironment(ENV.tableKeyArn, data.tableKey.keyArn);
    fn.function.addEnvironment(ENV.tenantRoleArn, access.role.roleArn);
    return access;
  }
}
