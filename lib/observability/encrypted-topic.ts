import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';

/** Props of {@link EncryptedTopic}. */
export interface EncryptedTopicProps {
  displayName: string;
  /** Customer-managed key; CloudWatch alarms are allowed to use it to publish. */
  key: kms.IKey;
}

/**
 * An SNS topic encrypted with a customer-managed key, whose policy refuses
 * publishing without TLS. CloudWatch alarms publish to it, so the key lets
 * CloudWatch (from this account only) encrypt for it: without that grant,
 * alarm notifications to a KMS-encrypted topic are silently dropped.
 *
 * @example const alerts = new EncryptedTopic(this, 'Alerts', { displayName: 'Plumbline alerts', key });
 */
export class EncryptedTopic extends Construct {
  readonly topic: sns.Topic;

  constructor(scope: Construct, id: string, props: EncryptedTopicProps) {
    super(scope, id);
    this.topic = new sns.Topic(this, 'Topic', {
      displayName: props.displayName,
      masterKey: props.key,
      enforceSSL: true,
    });
  }
}

/**
 * Lets CloudWatch alarms of this account publish to topics encrypted with `key`.
 *
 * @example allowCloudWatchAlarmsToUse(messagingKey);
 */
export function allowCloudWatchAlarmsToUse(key: kms.Key): void {
  key.addToResourcePolicy(
    new iam.PolicyStatement({
      sid: 'AllowCloudWatchAlarmsToPublishToEncryptedTopics',
      principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
      actions: ['kms:Decrypt', 'kms:GenerateDataKey'],
      resources: ['*'],
      conditions: { StringEquals: { 'aws:SourceAccount': key.stack.account } },
    }),
  );
}
