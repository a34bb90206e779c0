import { Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';

/** Props of {@link EncryptedTopic}. */
export interface EncryptedTopicProps {
  displayName: string;
  /** Customer-managed key; CloudWatch alarms are allowed to use it to publish. */
  key: kms.IKey;
  /** AWS services of this account allowed to publish (the topic policy replaces the default one). */
  publishers?: readonly TopicPublisher[];
}

/** A service that publishes to a topic on behalf of a resource of this account. */
export type TopicPublisher = 'cloudwatch' | 'events';

/** Each publisher's service principal and the ARN pattern of the resources it publishes for. */
const PUBLISHERS: Record<TopicPublisher, { principal: string; resource: string }> = {
  cloudwatch: { principal: 'cloudwatch.amazonaws.com', resource: 'alarm:*' },
  events: { principal: 'events.amazonaws.com', resource: 'rule/*' },
};

/**
 * An SNS topic encrypted with a customer-managed key, whose policy refuses
 * publishing without TLS. That policy replaces SNS's default one, so each
 * service that publishes (CloudWatch alarms, EventBridge rules) is allowed
 * explicitly, only for resources of this account and region
 * (`aws:SourceAccount`, `aws:SourceArn`: no confused deputy). The key must
 * let CloudWatch encrypt for it too (`allowCloudWatchAlarmsToUse`): without
 * either grant, alarm notifications are silently dropped.
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
    const stack = Stack.of(this);
    for (const publisher of props.publishers ?? []) {
      const { principal, resource } = PUBLISHERS[publisher];
      this.topic.addToResourcePolicy(
        new iam.PolicyStatement({
          sid: `Allow${publisher === 'cloudwatch' ? 'CloudWatchAlarms' : 'EventBridgeRules'}ToPublish`,
          principals: [new iam.ServicePrincipal(principal)],
          actions: ['sns:Publish'],
          resources: [this.topic.topicArn],
          conditions: {
            StringEquals: { 'aws:SourceAccount': stack.account },
            ArnLike: {
              'aws:SourceArn': `arn:${stack.partition}:${publisher}:${stack.region}:${stack.account}:${resource}`,
            },
          },
        }),
      );
    }
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
