import { SLACK_SECRETS_ROOT } from '../domain/tenant-session-policy.ts';
import type { Notifier } from '../ports/notifier.ts';
import type { Env } from './base-ports.ts';
import { lazyPort } from './lazy-port.ts';
import { requireEnv } from './require-env.ts';
import { PORT_ENV } from './workflow-task-env.ts';

/** Slack webhook secrets of a tenant live under `plumbline-slack/<tenantId>/` on AWS. */
export function slackSecretPrefix(tenantId: string): string {
  return `${SLACK_SECRETS_ROOT}${tenantId}/`;
}

/**
 * Approval notifications on AWS: email through the approvals topic (one
 * filtered subscription per address) and the environment's Slack webhook,
 * whose secret must sit under the tenant's own prefix.
 */
export function notifierFrom(env: Env): Notifier {
  const [topicArn] = requireEnv(env, PORT_ENV.notifier) as [string];
  // SNS, Secrets Manager and the Slack adapter load on the first notification.
  return lazyPort(async () => {
    const [{ SecretsManagerValues }, { SlackWebhookNotifier }, { SnsNotifier }, { fanoutNotifier }] =
      await Promise.all([
        import('../adapters/aws/secrets-manager-values.ts'),
        import('../adapters/slack/slack-webhook-notifier.ts'),
        import('../adapters/aws/sns-notifier.ts'),
        import('../ports/notifier.ts'),
      ]);
    const secrets = new SecretsManagerValues();
    // Why the prefix: a tenant names its webhook secret; it must never reach another tenant's secret.
    const slack = new SlackWebhookNotifier((name, tenantId) =>
      name.startsWith(slackSecretPrefix(tenantId)) ? secrets.webhookUrl(name) : Promise.resolve(undefined),
    );
    return fanoutNotifier([new SnsNotifier({ topicArn }), slack]);
  });
}
