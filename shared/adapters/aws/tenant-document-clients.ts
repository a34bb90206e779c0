import type { DynamoDBClientConfig } from '@aws-sdk/client-dynamodb';
import { STSClient, type STSClientConfig } from '@aws-sdk/client-sts';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { createDocumentClient } from './dynamodb-clients.ts';
import type { DocumentClientFor } from './dynamodb-document-store.ts';
import { TenantCredentialsVendor } from './tenant-credentials.ts';

/** Options of {@link createTenantDocumentClients}. */
export interface TenantDocumentClientsOptions {
  /** The tenant-access role (token vending). */
  roleArn: string;
  tableArn: string;
  tableKeyArn?: string;
  /** At most this many tenants keep a client (least recently used dropped first). */
  maxTenants?: number;
  stsConfig?: STSClientConfig;
  dynamoConfig?: DynamoDBClientConfig;
  /** Injected vendor (tests); built from the options above otherwise. */
  vendor?: TenantCredentialsVendor;
}

/**
 * The AWS side of `DynamoDbDocumentStore`'s `clientFor(tenantId)` seam: one
 * document client per tenant, each signing with credentials vended for that
 * tenant alone (see {@link TenantCredentialsVendor}). The function's own
 * role can only assume the tenant-access role, so a request for tenant A
 * can never read tenant B's items, whatever the code above does.
 *
 * @example
 * const clientFor = createTenantDocumentClients({ roleArn, tableArn, tableKeyArn });
 * new DynamoDbDocumentStore({ tableName, clientFor });
 */
export function createTenantDocumentClients(options: TenantDocumentClientsOptions): DocumentClientFor {
  const vendor =
    options.vendor ??
    new TenantCredentialsVendor({
      sts: new STSClient({ maxAttempts: 3, ...options.stsConfig }),
      roleArn: options.roleArn,
      tableArn: options.tableArn,
      ...(options.tableKeyArn === undefined ? {} : { tableKeyArn: options.tableKeyArn }),
      ...(options.maxTenants === undefined ? {} : { maxTenants: options.maxTenants }),
    });
  const max = options.maxTenants ?? 100;
  const clients = new Map<string, DynamoDBDocumentClient>();
  return (tenantId) => {
    let client = clients.get(tenantId);
    if (client) {
      clients.delete(tenantId);
    } else {
      client = createDocumentClient({
        ...options.dynamoConfig,
        credentials: () => vendor.credentialsFor(tenantId),
      });
    }
    clients.set(tenantId, client);
    while (clients.size > max) {
      const oldest = clients.keys().next().value;
      if (oldest === undefined) break;
      // Not destroyed: a request may still be in flight on it; its idle sockets close on their own.
      clients.delete(oldest);
    }
    return client;
  };
}
