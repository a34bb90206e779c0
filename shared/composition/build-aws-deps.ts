import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { type DocumentClientFor, DynamoDbDocumentStore } from '../adapters/aws/dynamodb-document-store.ts';
import { createTenantDocumentClients } from '../adapters/aws/tenant-document-clients.ts';
import { systemClock } from '../ports/clock.ts';
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
  return {
    documents: new DynamoDbDocumentStore({ tableName, clientFor: tenantClientsFrom(env) }),
    clock: systemClock,
    logger: createLogger((env[ENV.logLevel] as LogLevel | undefined) ?? 'INFO'),
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
    return (): DynamoDBDocumentClient => {
      throw new Error(`${ENV.tenantRoleArn} and ${ENV.tableArn} must be set for tenant data access`);
    };
  }
  return createTenantDocumentClients({ roleArn, tableArn, ...(tableKeyArn ? { tableKeyArn } : {}) });
}
