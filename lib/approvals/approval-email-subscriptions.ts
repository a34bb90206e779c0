import { Annotations, Validations } from 'aws-cdk-lib';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';

/** Props of {@link ApprovalEmailSubscriptions}. */
export interface ApprovalEmailSubscriptionsProps {
  /** The approvals topic (`SnsNotifier` publishes each message with an `email` attribute). */
  topic: sns.ITopic;
  /** Lowercase addresses (the stage's `approvalEmails`). */
  emails: readonly string[];
}

/**
 * One email subscription per address to the approvals topic, each with a
 * filter policy on the `email` message attribute that admits only the
 * messages addressed to it: an approver receives their own signed links and
 * nobody else's. Each address confirms its subscription once (the link in
 * AWS's confirmation mail). No unfiltered subscription is ever made here.
 * With no address at all, synthesis warns: links would reach nobody.
 *
 * @example new ApprovalEmailSubscriptions(this, 'ApprovalEmails', { topic, emails: config.approvalEmails });
 */
export class ApprovalEmailSubscriptions extends Construct {
  readonly subscriptions: sns.Subscription[] = [];

  constructor(scope: Construct, id: string, props: ApprovalEmailSubscriptionsProps) {
    super(scope, id);
    if (props.emails.length === 0) {
      Annotations.of(this).addWarning(
        'No approval email address (context approvalEmails is empty): approval links are published to a topic with no subscription and reach nobody. Deploy with -c approvalEmails=approver@example.com,... listing every approver and requester.',
      );
    }
    for (const email of props.emails) {
      const subscription = new sns.Subscription(this, email, {
        topic: props.topic,
        protocol: sns.SubscriptionProtocol.EMAIL,
        endpoint: email,
        filterPolicy: { email: sns.SubscriptionFilter.stringFilter({ allowlist: [email] }) },
      });
      Validations.of(subscription).acknowledge({
        id: 'Serverless-SNSRedrivePolicy',
        reason:
          'An email endpoint: SNS retries delivery itself, and a queued copy of a message would hold the approver’s signed links outside their inbox.',
      });
      this.subscriptions.push(subscription);
    }
  }
}
