import type { AuditLog } from '../ports/audit-log.ts';
import type { KeyService } from '../ports/key-service.ts';
import type { SecretStore } from '../ports/secret-store.ts';
import type { PortsOf } from '../use-cases/deps.ts';
import type { Env } from './base-ports.ts';
import { ENV } from './env-vars.ts';
import { lazyPort } from './lazy-port.ts';
import { requireEnv } from './require-env.ts';

/** The variables the secret ports are built from. */
export const SECRET_PORT_ENV = [
  ENV.tableName,
  ENV.tableArn,
  ENV.tableKeyArn,
  ENV.tenantRoleArn,
  ENV.secretsKeyArn,
] as const;

/**
 * The secret ports on AWS (issue 13): Secrets Manager + table metadata, KMS
 * data keys on the secrets key, the DynamoDB audit trail, all behind one
 * tenant session per tenant whose policy admits only that tenant's secrets
 * and encryption context. The SDK clients load, and the variables are
 * checked, on first use (a function that never touches a secret pays nothing).
 *
 * @example const { secrets, keys, audit } = secretPortsFrom(process.env);
 */
export function secretPortsFrom(
  env: Env,
): Pick<PortsOf<'secrets' | 'keys' | 'audit'>, 'secrets' | 'keys' | 'audit'> {
  const clients = lazyClients(env);
  return {
    secrets: lazyPort<SecretStore>(async () => {
      const [{ SecretsManagerSecretStore }, c] = await Promise.all([
        import('../adapters/aws/secrets-manager-secret-store.ts'),
        clients(),
      ]);
      return new SecretsManagerSecretStore({
        tableName: c.tableName,
        clientFor: c.clientFor,
        secretsFor: c.secretsFor,
      });
    }),
    keys: lazyPort<KeyService>(async () => {
      const [{ KmsKeyService }, c] = await Promise.all([
        import('../adapters/aws/kms-key-service.ts'),
        clients(),
      ]);
      return new KmsKeyService({ keyId: c.secretsKeyArn, clientFor: c.kmsFor });
    }),
    audit: lazyPort<AuditLog>(async () => {
      const [{ DynamoDbAuditLog }, c] = await Promise.all([
        import('../adapters/aws/dynamodb-audit-log.ts'),
        clients(),
      ]);
      return new DynamoDbAuditLog({ tableName: c.tableName, clientFor: c.clientFor });
    }),
  };
}

function lazyClients(env: Env) {
  let loaded: ReturnType<typeof load> | undefined;
  const load = async () => {
    const [tableName, tableArn, tableKeyArn, roleArn, secretsKeyArn] = requireEnv(env, SECRET_PORT_ENV) as [
      string,
      string,
      string,
      string,
      string,
    ];
    const { createTenantSecretClients } = await import('../adapters/aws/tenant-secret-clients.ts');
    return {
      tableName,
      secretsKeyArn,
      ...createTenantSecretClients({ roleArn, tableArn, tableKeyArn, secretsKeyArn }),
    };
  };
  return () => {
    loaded ??= load().catch((error: unknown) => {
      loaded = undefined;
      throw error;
    });
    return loaded;
  };
}
