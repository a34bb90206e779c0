import type { DocumentClientFor } from '../adapters/aws/dynamodb-document-store.ts';
import { createTenantDocumentClients } from '../adapters/aws/tenant-document-clients.ts';
import { systemClock } from '../ports/clock.ts';
import type { Deps } from '../use-cases/deps.ts';
import {
  changeRequestStoreFrom,
  documentStoreFrom,
  type Env,
  linkSignerFrom,
  notifierFrom,
  publicUrlFrom,
  type TenantTable,
  tokenCipherFrom,
  workflowGatewayFrom,
} from './aws-approval-ports.ts';
import { createLogger, type LogLevel } from './create-logger.ts';
import { ENV } from './env-vars.ts';

/**
 * The composition root of the HTTP functions on AWS: built once per cold
 * start from the function's environment. Tenant data is reached only with
 * credentials vended per tenant (STS AssumeRole of
 * `PLUMBLINE_TENANT_ROLE_ARN` with a `dynamodb:LeadingKeys` session policy),
 * never with the function's own role. The workflow tasks have their own
 * roots (`build-aws-workflow-task-deps.ts`).
 */
export function buildAwsDeps(env: Env): Deps {
  const tableName = env[ENV.tableName];
  if (!tableName) throw new Error(`${ENV.tableName} is not set`);
  const table: TenantTable = { tableName, clientFor: tenantClientsFrom(env) };
  return {
    documents: documentStoreFrom(table),
    clock: systemClock,
    logger: createLogger((env[ENV.logLevel] as LogLevel | undefined) ?? 'INFO'),
    ...approvalPortsFrom(env, table),
  };
}

/**
 * The approval ports a function's environment names (issue 5): each only
 * when its variable is set, so a function holds exactly what its role grants.
 */
function approvalPortsFrom(env: Env, table: TenantTable): Partial<Deps> {
  return {
    changeRequests: changeRequestStoreFrom(table),
    ...(env[ENV.approvalsTopicArn] ? { notifier: notifierFrom(env) } : {}),
    ...(env[ENV.approvalStateMachineArn] ? { workflows: workflowGatewayFrom(env) } : {}),
    ...(env[ENV.linkSigningSecretArn] ? { linkSigner: linkSignerFrom(env) } : {}),
    ...(env[ENV.taskTokenKeyArn] ? { tokenCipher: tokenCipherFrom(env) } : {}),
    ...(env[ENV.publicUrl] ? { publicUrl: publicUrlFrom(env) } : {}),
  };
}

/**
 * Tenant-scoped clients from the environment. Without a tenant role (a
 * context that has no tenant data, or a misconfigured function) every data
 * access fails closed with an error rather than falling back to the
 * function's own credentials.
 */
function tenantClientsFrom(env: Env): DocumentClientFor {
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
