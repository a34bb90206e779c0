import { DynamoDbChangeRequestStore } from '../adapters/aws/dynamodb-change-request-store.ts';
import { type DocumentClientFor, DynamoDbDocumentStore } from '../adapters/aws/dynamodb-document-store.ts';
import { KmsTokenCipher } from '../adapters/aws/kms-token-cipher.ts';
import { SecretsManagerValues } from '../adapters/aws/secrets-manager-values.ts';
import { SfnWorkflowGateway } from '../adapters/aws/sfn-workflow-gateway.ts';
import { SlackWebhookNotifier } from '../adapters/aws/slack-webhook-notifier.ts';
import { SnsNotifier } from '../adapters/aws/sns-notifier.ts';
import { createTenantDocumentClients } from '../adapters/aws/tenant-document-clients.ts';
import { HmacLinkSigner } from '../adapters/local/hmac-link-signer.ts';
import { systemClock } from '../ports/clock.ts';
import { fanoutNotifier, type Notifier } from '../ports/notifier.ts';
import type { Deps } from '../use-cases/deps.ts';
import { createLogger, type LogLevel } from './create-logger.ts';
import { ENV } from './env-vars.ts';

/**
 * The composition root on AWS: built once per cold start from the
 * function's environment. Tenant data is reached only with credentials
 * vended per tenant (STS AssumeRole of `PLUMBLINE_TENANT_ROLE_ARN` with a
 * `dynamodb:LeadingKeys` session policy), never with the function's own role.
 */
export function buildAwsDeps(env: Record<string, string | undefined>): Deps {
  const tableName = env[ENV.tableName];
  if (!tableName) throw new Error(`${ENV.tableName} is not set`);
  const clientFor = tenantClientsFrom(env);
  return {
    documents: new DynamoDbDocumentStore({ tableName, clientFor }),
    clock: systemClock,
    logger: createLogger((env[ENV.logLevel] as LogLevel | undefined) ?? 'INFO'),
    ...approvalPortsFrom(env, tableName, clientFor),
  };
}

/** Slack webhook secrets of a tenant live under `plumbline/slack/<tenantId>/` on AWS. */
export function slackSecretPrefix(tenantId: string): string {
  return `plumbline/slack/${tenantId}/`;
}

/**
 * The approval ports a function's environment names (issue 5): each only
 * when its variable is set, so a function holds exactly what its role grants.
 * Change requests live in the same table, behind the same tenant-scoped clients.
 */
function approvalPortsFrom(
  env: Record<string, string | undefined>,
  tableName: string,
  clientFor: DocumentClientFor,
): Partial<Deps> {
  const secrets = new SecretsManagerValues();
  // Why the prefix: a tenant names its webhook secret; it must never reach another tenant's secret.
  const notifiers: Notifier[] = [
    new SlackWebhookNotifier((name, tenantId) =>
      name.startsWith(slackSecretPrefix(tenantId)) ? secrets.webhookUrl(name) : Promise.resolve(undefined),
    ),
  ];
  const topicArn = env[ENV.approvalsTopicArn];
  if (topicArn) notifiers.unshift(new SnsNotifier({ topicArn }));
  const stateMachineArn = env[ENV.approvalStateMachineArn];
  const linkSecret = env[ENV.linkSigningSecretArn];
  const tokenKey = env[ENV.taskTokenKeyArn];
  const publicUrl = env[ENV.publicUrl];
  return {
    changeRequests: new DynamoDbChangeRequestStore({ tableName, clientFor }),
    notifier: fanoutNotifier(notifiers),
    ...(stateMachineArn ? { workflows: new SfnWorkflowGateway({ stateMachineArn }) } : {}),
    ...(linkSecret ? { linkSigner: new HmacLinkSigner(() => secrets.hmacKey(linkSecret)) } : {}),
    ...(tokenKey ? { tokenCipher: new KmsTokenCipher({ keyId: tokenKey }) } : {}),
    ...(publicUrl ? { publicUrl: () => publicUrl } : {}),
  };
}

/**
 * Tenant-scoped clients from the environment. Without a tenant role (a
 * context that has no tenant data, or a misconfigured function) every data
 * access fails closed with an error rather than falling back to the
 * function's own credentials.
 */
function tenantClientsFrom(env: Record<string, string | undefined>): DocumentClientFor {
  const roleArn = env[ENV.tenantRoleArn];
  const tableArn = env[ENV.tableArn];
  const tableKeyArn = env[ENV.tableKeyArn];
  if (!roleArn || !tableArn) {
    return (): ReturnType<DocumentClientFor> => {
      throw new Error(`${ENV.tenantRoleArn} and ${ENV.tableArn} must be set for tenant data access`);
    };
  }
  return createTenantDocumentClients({ roleArn, tableArn, ...(tableKeyArn ? { tableKeyArn } : {}) });
}
