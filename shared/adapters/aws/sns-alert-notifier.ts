import { SNSClient } from '@aws-sdk/client-sns';
import type { Notification, Notifier } from '../../ports/notifier.ts';
import { publishNotification } from './sns-notifier.ts';

/**
 * Operational alerts (drift alerts, issue 14) published to the alerts SNS
 * topic whoever subscribes to it (on-call email, chat, a ticket system):
 * unlike the approval mail, a message is addressed to a team, not a person,
 * so every notification is published, with `kind`, `tenant` and `cluster`
 * as message attributes a subscription may filter on.
 *
 * @example new SnsAlertNotifier({ topicArn: process.env.PLUMBLINE_ALERTS_TOPIC_ARN })
 */
export class SnsAlertNotifier implements Notifier {
  readonly #topicArn: string;
  readonly #client: SNSClient;

  constructor(options: { topicArn: string; client?: SNSClient }) {
    this.#topicArn = options.topicArn;
    this.#client = options.client ?? new SNSClient({ maxAttempts: 3 });
  }

  async send(notification: Notification): Promise<void> {
    await publishNotification(this.#client, this.#topicArn, notification, {
      kind: notification.kind,
      tenant: notification.tenantId,
      to: notification.to,
      ...(notification.reportUrl ? { reportUrl: notification.reportUrl } : {}),
    });
  }
}
