import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import type { Notification, Notifier } from '../../ports/notifier.ts';

/**
 * Email notifications through the approvals SNS topic. Each message carries
 * `email`, `to`, `kind` and `tenant` as message attributes, so each email
 * subscription filters (a filter policy on `email`) to its own messages.
 * Notifications without an address are not published.
 *
 * @example new SnsNotifier({ topicArn, client: new SNSClient({}) })
 */
export class SnsNotifier implements Notifier {
  readonly #topicArn: string;
  readonly #client: SNSClient;

  constructor(options: { topicArn: string; client?: SNSClient }) {
    this.#topicArn = options.topicArn;
    this.#client = options.client ?? new SNSClient({ maxAttempts: 3 });
  }

  async send(notification: Notification): Promise<void> {
    if (!notification.email) return;
    const attribute = (value: string) => ({ DataType: 'String', StringValue: value });
    await this.#client.send(
      new PublishCommand({
        TopicArn: this.#topicArn,
        // SNS subjects are at most 100 printable ASCII characters, no newlines.
        Subject: notification.subject.replace(/[^\x20-\x7e]/g, '?').slice(0, 100),
        Message: notification.text,
        MessageAttributes: {
          email: attribute(notification.email),
          to: attribute(notification.to),
          kind: attribute(notification.kind),
          tenant: attribute(notification.tenantId),
          requestId: attribute(notification.requestId),
        },
      }),
    );
  }
}
