import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import type { Notification, Notifier } from '../../ports/notifier.ts';

/** The longest subject SNS accepts: "less than 100 characters long". */
export const SNS_SUBJECT_MAX = 99;

/**
 * A subject SNS accepts: no line breaks or control characters, printable
 * ASCII only (SNS replaces subjects with other characters on some
 * endpoints), fewer than 100 characters (cut with an ellipsis).
 *
 * @example snsSubject('[Plumbline] Approval needed: settings envs/prod ...') // at most 99 characters
 */
export function snsSubject(subject: string): string {
  const clean = subject
    .replace(/[\r\n\t]+/g, ' ')
    .replace(/[^\x20-\x7e]/g, '?')
    .trim();
  return clean.length <= SNS_SUBJECT_MAX ? clean : `${clean.slice(0, SNS_SUBJECT_MAX - 3).trimEnd()}...`;
}

/**
 * Publishes a notification to an SNS topic: its subject made acceptable
 * ({@link snsSubject}), its text as the message and each of `attributes` as
 * a string message attribute a subscription may filter on.
 *
 * @example await publishNotification(client, topicArn, notification, { kind: notification.kind })
 */
export async function publishNotification(
  client: SNSClient,
  topicArn: string,
  notification: Notification,
  attributes: Record<string, string>,
): Promise<void> {
  await client.send(
    new PublishCommand({
      TopicArn: topicArn,
      Subject: snsSubject(notification.subject),
      Message: notification.text,
      MessageAttributes: Object.fromEntries(
        Object.entries(attributes).map(([name, value]) => [name, { DataType: 'String', StringValue: value }]),
      ),
    }),
  );
}

/**
 * Email notifications through the approvals SNS topic. Each message carries
 * `email` (lowercase), `to`, `kind` and `tenant` as message attributes, and
 * each email subscription has a filter policy on `email` admitting only its
 * own address (`ApprovalEmailSubscriptions`), so an approver receives their
 * own signed links and nobody else's. Notifications without an address are
 * not published.
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
    await publishNotification(this.#client, this.#topicArn, notification, {
      // Lowercase, as the subscriptions' filter policies are (exact, case-sensitive matching).
      email: notification.email.trim().toLowerCase(),
      to: notification.to,
      kind: notification.kind,
      tenant: notification.tenantId,
      requestId: notification.requestId,
    });
  }
}
