import type { DocumentClientFor } from '../adapters/aws/dynamodb-document-store.ts';
import { createTenantDocumentClients } from '../adapters/aws/tenant-document-clients.ts';
import type { ChangeRequestStore } from '../ports/change-request-store.ts';
import type { Env } from './base-ports.ts';
import { ENV } from './env-vars.ts';
import { lazyPort } from './lazy-port.ts';
import { requireEnv } from './require-env.ts';

export type { Env } from './base-ports.ts';

/**
 * Tenant data on AWS: the table and the tenant-scoped clients (token
 * vending with the function's tenant-access role), from `PORT_ENV.documents`.
 */
export interface TenantTable {
  tableName: string;
  clientFor: DocumentClientFor;
}

/** {@link TenantTable} from the environment; every variable of it is required. */
export function tenantTableFrom(env: Env): TenantTable {
  const [tableName, tableArn, tableKeyArn, roleArn] = requireEnv(env, [
    ENV.tableName,
    ENV.tableArn,
    ENV.tableKeyArn,
    ENV.tenantRoleArn,
  ]) as [string, string, string, string];
  return { tableName, clientFor: createTenantDocumentClients({ roleArn, tableArn, tableKeyArn }) };
}

/**
 * {@link TenantTable} for an HTTP context: the table name is required now,
 * the rest on the first data access, so a function without a tenant role
 * still answers what needs no data (health, a 401) and fails closed, never
 * falling back to its own credentials, when it would touch tenant data.
 */
export function tenantTableOnFirstUseFrom(env: Env): TenantTable {
  const [tableName] = requireEnv(env, [ENV.tableName]) as [string];
  let clients: DocumentClientFor | undefined;
  const clientFor: DocumentClientFor = (tenantId) => {
    clients ??= tenantTableFrom(env).clientFor;
    return clients(tenantId);
  };
  return { tableName, clientFor };
}

/**
 * A port of an HTTP context whose variables are checked on its first call
 * rather than at cold start (see {@link tenantTableOnFirstUseFrom}). `build`
 * may import its wiring: the approval step's ports
 * (`aws-approval-step-ports.ts`) load with the first protected write or
 * decision, not with every request.
 *
 * @example workflows: onFirstUse(async () => (await import('./aws-approval-step-ports.ts')).workflowGatewayFrom(env))
 */
export function onFirstUse<T extends object>(build: () => T | Promise<T>): T {
  return lazyPort(async () => build());
}

/**
 * Change requests and used approval-link ids, in the same table behind the
 * same clients, for an HTTP context: the adapter loads with the first route
 * that reads or opens a change request (most settings and secrets routes
 * never do). The workflow tasks, which always do, build it at cold start.
 */
export function changeRequestStoreFrom(table: TenantTable): ChangeRequestStore {
  return lazyPort(async () => {
    const { DynamoDbChangeRequestStore } = await import('../adapters/aws/dynamodb-change-request-store.ts');
    return new DynamoDbChangeRequestStore(table);
  });
}
