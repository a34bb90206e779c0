import { CfnOutput, RemovalPolicy, Stack, type StackProps, Validations } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as kms from 'aws-cdk-lib/aws-kms';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import type * as sns from 'aws-cdk-lib/aws-sns';
import type { Construct } from 'constructs';
import { TenantUserPool } from '../api/tenant-user-pool.ts';
import { ApprovalEmailSubscriptions } from '../approvals/approval-email-subscriptions.ts';
import type { StageConfig } from '../config/stage-config.ts';
import { TableThrottleAlarm } from '../observability/alarms.ts';
import { allowCloudWatchAlarmsToUse, EncryptedTopic } from '../observability/encrypted-topic.ts';
import { SecretsKey } from '../secrets/secrets-key.ts';
import { AccessLogsBucket, SecureBucket } from './secure-bucket.ts';
import { SettingsTable } from './settings-table.ts';

/** Props of {@link StatefulStack}. */
export interface StatefulStackProps extends StackProps {
  config: StageConfig;
}

/**
 * Everything that holds data and outlives deployments: the table and its
 * key, the report and audit-export buckets (and their access-log bucket),
 * the alert and approval topics and their key (with one filtered email
 * subscription per configured approval address), the Cognito user pool
 * (users), the KMS key of in-flight task tokens and the secret that signs
 * approval links already sent. Every resource is retained
 * on stack deletion and the stack has termination protection; the stateless
 * stack, and later capabilities, receive these resources as references.
 *
 * @example const data = new StatefulStack(app, 'Plumbline-dev-Stateful', { config, env });
 */
export class StatefulStack extends Stack {
  readonly table: dynamodb.TableV2;
  readonly tableKey: kms.Key;
  readonly storageKey: kms.Key;
  readonly messagingKey: kms.Key;
  readonly reportsBucket: s3.Bucket;
  readonly auditBucket: s3.Bucket;
  readonly alertsTopic: sns.Topic;
  readonly approvalsTopic: sns.Topic;
  readonly users: TenantUserPool;
  /** Wraps the data keys encrypting Step Functions task tokens at rest (tokens of running executions). */
  readonly tokenKey: kms.Key;
  /** The dedicated key of secret envelopes (issue 13). */
  readonly secretsKey: kms.Key;
  /** The HMAC key of approval links (links already in inboxes). */
  readonly signingSecret: secretsmanager.Secret;

  constructor(scope: Construct, id: string, props: StatefulStackProps) {
    super(scope, id, { terminationProtection: true, ...props });
    const { config } = props;

    const settings = new SettingsTable(this, 'Settings');
    this.table = settings.table;
    this.tableKey = settings.key;

    const storageKey = new kms.Key(this, 'StorageKey', {
      description: 'Plumbline reports and audit exports',
      enableKeyRotation: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.storageKey = storageKey;
    const accessLogs = new AccessLogsBucket(this, 'AccessLogs', { retentionDays: 365 });
    this.reportsBucket = new SecureBucket(this, 'Reports', {
      encryptionKey: storageKey,
      accessLogs: { bucket: accessLogs.bucket, prefix: 'reports/' },
      noncurrentVersionExpirationDays: 90,
    }).bucket;
    this.auditBucket = new SecureBucket(this, 'AuditExports', {
      encryptionKey: storageKey,
      accessLogs: { bucket: accessLogs.bucket, prefix: 'audit-exports/' },
      objectLock: { mode: config.auditLockMode, days: config.auditRetentionDays },
    }).bucket;

    const messagingKey = new kms.Key(this, 'MessagingKey', {
      description: 'Plumbline alert and approval topics',
      enableKeyRotation: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    allowCloudWatchAlarmsToUse(messagingKey);
    this.messagingKey = messagingKey;
    this.alertsTopic = new EncryptedTopic(this, 'Alerts', {
      displayName: `Plumbline ${config.stage} alerts`,
      key: messagingKey,
      publishers: ['cloudwatch', 'events'],
    }).topic;
    this.approvalsTopic = new EncryptedTopic(this, 'Approvals', {
      displayName: `Plumbline ${config.stage} approvals`,
      key: messagingKey,
    }).topic;
    new ApprovalEmailSubscriptions(this, 'ApprovalEmails', {
      topic: this.approvalsTopic,
      emails: config.approvalEmails,
    });

    this.users = new TenantUserPool(this, 'Users', {
      stage: config.stage,
      logRetentionDays: config.logRetentionDays,
      plus: config.cognitoPlus,
      table: this.table,
      tableKey: this.tableKey,
    });
    this.tokenKey = new kms.Key(this, 'TaskTokenKey', {
      description: 'Plumbline: wraps the data keys encrypting Step Functions task tokens at rest',
      enableKeyRotation: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.secretsKey = new SecretsKey(this, 'Secrets').key;
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

    new TableThrottleAlarm(this, 'TableThrottles', {
      tableName: this.table.tableName,
      topic: this.alertsTopic,
    });

    new CfnOutput(this, 'TableName', { value: this.table.tableName, description: 'The settings table' });
    new CfnOutput(this, 'AlertsTopicArn', {
      value: this.alertsTopic.topicArn,
      description: 'Subscribe on-call here',
    });
    new CfnOutput(this, 'UserPoolId', { value: this.users.userPool.userPoolId });
    new CfnOutput(this, 'UserPoolClientId', { value: this.users.client.userPoolClientId });
    new CfnOutput(this, 'ReportsBucketName', { value: this.reportsBucket.bucketName });
    new CfnOutput(this, 'AuditBucketName', { value: this.auditBucket.bucketName });
  }
}
