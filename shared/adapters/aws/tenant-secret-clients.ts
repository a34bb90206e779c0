import { KMSClient } from '@aws-sdk/client-kms';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { STSClient } from '@aws-sdk/client-sts';
import type { DocumentClientFor } from './dynamodb-document-store.ts';
import { TenantCredentialsVendor } from './tenant-credentials.ts';
import { createTenantDocumentClients } from './tenant-document-clients.ts';

/** Options of {@link createTenantSecretClients}. */
export interface TenantSecretClientsOptions {
  roleArn: string;
  tableArn: string;
  tableKeyArn: string;
  /** The dedicated secrets key. */
  secretsKeyArn: string;
  /** Injected vendor (tests). */
  vendor?: TenantCredentialsVendor;
}

/** Per-tenant clients of the secrets ports, all signing with one tenant session. */
export interface TenantSecretClients {
  /** DynamoDB (secret metadata, audit items). */
  clientFor: DocumentClientFor;
  kmsFor: (tenantId: string) => KMSClient;
  secretsFor: (tenantId: string) => SecretsManagerClient;
}

/**
 * Clients for the secrets ports, each signing with credentials vended for
 * one tenant whose session policy adds, to the tenant's table items, only
 * Secrets Manager actions on `secret:plumbline/<tenant>/*` and KMS
 * `Decrypt`/`GenerateDataKey` on the secrets key under
 * `kms:EncryptionContext:tenant = <tenant>` (see `tenantSessionPolicy`).
 *
 * @example const { clientFor, kmsFor, secretsFor } = createTenantSecretClients({ roleArn, tableArn, tableKeyArn, secretsKeyArn });
 */
export function createTenantSecretClients(options: TenantSecretClientsOptions): TenantSecretClients {
  const vendor =
    options.vendor ??
    new TenantCredentialsVendor({
      sts: new STSClient({ maxAttempts: 3 }),
      roleArn: options.roleArn,
      tableArn: options.tableArn,
      tableKeyArn: options.tableKeyArn,
      secretsKeyArn: options.secretsKeyArn,
    });
  const perTenant = <T>(make: (tenantId: string) => T) => {
    const clients = new Map<string, T>();
    return (tenantId: string): T => {
      let client = clients.get(tenantId);
      if (!client) {
        client = make(tenantId);
        if (clients.size >= 100) clients.delete(clients.keys().next().value as string);
        clients.set(tenantId, client);
      }
      return client;
    };
  };
  const credentials = (tenantId: string) => () => vendor.credentialsFor(tenantId);
  return {
    clientFor: createTenantDocumentClients({ ...options, vendor }),
    kmsFor: perTenant((tenantId) => new KMSClient({ maxAttempts: 3, credentials: credentials(tenantId) })),
    secretsFor: perTenant(
      (tenantId) => new SecretsManagerClient({ maxAttempts: 3, credentials: credentials(tenantId) }),
    ),
  };
}
