import { type Notification, type Notifier, WebhookUnavailableError } from '../../ports/notifier.ts';

/**
 * Resolves a webhook secret name to its URL (Secrets Manager on AWS, local
 * config locally), for the tenant whose notification it is; `undefined`
 * skips Slack (unknown secret, or one that does not belong to the tenant).
 */
export type WebhookUrlResolver = (secretName: string, tenantId: string) => Promise<string | undefined>;

/** The Block Kit message for one notification. */
export function slackMessage(notification: Notification): Record<string, unknown> {
  const mention = notification.slackUser ? `<@${notification.slackUser}> ` : '';
  const escapeMrkdwn = (text: string) =>
    text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');
  const blocks: Record<string, unknown>[] = [
    { type: 'header', text: { type: 'plain_text', text: notification.subject.slice(0, 150), emoji: false } },
    {
      type: 'section',
      text: { type: 'mrkdwn', text: `${mention}${escapeMrkdwn(notification.text).slice(0, 2900)}` },
    },
  ];
  if (notification.links) {
    blocks.push({
      type: 'actions',
      elements: [
        {
          type: 'button',
          style: 'primary',
          text: { type: 'plain_text', text: 'Review and approve' },
          url: notification.links.approve,
        },
        {
          type: 'button',
          style: 'danger',
          text: { type: 'plain_text', text: 'Review and reject' },
          url: notification.links.reject,
        },
      ],
    });
  }
  return { text: `${mention}${notification.subject}`, blocks };
}

/**
 * Posts notifications to the environment's Slack incoming webhook as Block
 * Kit messages (each approver's own links as buttons). Notifications
 * without a webhook secret, or whose secret resolves to nothing, are skipped.
 * The webhook URL is a secret: it never appears in logs or errors.
 *
 * @example new SlackWebhookNotifier(async (name) => urls[name])
 */
export class SlackWebhookNotifier implements Notifier {
  constructor(
    private readonly resolveUrl: WebhookUrlResolver,
    private readonly fetchFn: typeof fetch = fetch,
  ) {}

  async send(notification: Notification): Promise<void> {
    if (!notification.slackWebhookSecret) return;
    const url = await this.resolveUrl(notification.slackWebhookSecret, notification.tenantId);
    if (!url) return;
    let response: Response;
    try {
      response = await this.fetchFn(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(slackMessage(notification)),
        signal: AbortSignal.timeout(5_000),
      });
    } catch {
      throw new WebhookUnavailableError(
        `the Slack webhook '${notification.slackWebhookSecret}' could not be reached`,
      );
    }
    await response.arrayBuffer().catch(() => undefined);
    if (response.status >= 500 || response.status === 429) {
      throw new WebhookUnavailableError(
        `the Slack webhook '${notification.slackWebhookSecret}' answered ${response.status}`,
      );
    }
    if (response.status >= 400) {
      throw new Error(
        `the Slack webhook '${notification.slackWebhookSecret}' refused the message (${response.status})`,
      );
    }
  }
}
