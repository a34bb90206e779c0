/** One message to one person about one change request. */
export interface Notification {
  /** `secret-rotation-due`: a provided secret passed its rotation period (issue 13; `requestId` names the run). */
  kind: 'approval-requested' | 'outcome' | 'secret-rotation-due' | 'drift-alert';
  tenantId: string;
  requestId: string;
  /** The recipient's user id (an approver's or the requester's). */
  to: string;
  email?: string;
  /** Slack member id to mention. */
  slackUser?: string;
  subject: string;
  text: string;
  /** The approver's own signed links. */
  links?: { approve: string; reject: string };
  /** `drift-alert` (issue 14): the link to the HTML report; `requestId` is the report id, `to` the cluster. */
  reportUrl?: string;
  /** Name of the secret holding the environment's Slack webhook URL. */
  slackWebhookSecret?: string;
}

/**
 * A transient delivery failure (a webhook answered 5xx or 429, or could not
 * be reached): the workflow step that sent the notification retries it.
 */
export class WebhookUnavailableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'WebhookUnavailableError';
  }
}

/** Delivers notifications: SNS email and Slack on AWS, the outbox folder (and Slack) locally. */
export interface Notifier {
  send(notification: Notification): Promise<void>;
}

/**
 * A notifier that hands every notification to each of `notifiers` in turn;
 * the first failure propagates (the workflow step retries it).
 *
 * @example fanoutNotifier([outbox, slack])
 */
export function fanoutNotifier(notifiers: readonly Notifier[]): Notifier {
  return {
    send: async (notification) => {
      for (const notifier of notifiers) await notifier.send(notification);
    },
  };
}
