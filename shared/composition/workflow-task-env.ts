import type { Port } from '../use-cases/deps.ts';
import type { ApprovalTaskName } from '../workflows/approval-workflow.ts';
import { WORKFLOW_TASK_PORTS } from '../workflows/workflow-task-ports.ts';
import { ENV } from './env-vars.ts';

/** The name of one variable in {@link ENV}. */
export type EnvName = (typeof ENV)[keyof typeof ENV];

const TENANT_DATA = [ENV.tableName, ENV.tableArn, ENV.tableKeyArn, ENV.tenantRoleArn] as const;

/**
 * The variables each AWS-built port is made from: the composition roots read
 * exactly these (`requireEnv`), and CDK sets exactly these on a function for
 * the ports it is given (`WORKFLOW_TASK_PORTS` for a task, `CONTEXT_PORTS`
 * for an HTTP context: {@link portEnvNames}).
 */
export const PORT_ENV = {
  documents: TENANT_DATA,
  changeRequests: TENANT_DATA,
  workflows: [ENV.approvalStateMachineArn],
  notifier: [ENV.approvalsTopicArn],
  linkSigner: [ENV.linkSigningSecretArn],
  tokenCipher: [ENV.taskTokenKeyArn],
  publicUrl: [ENV.publicUrl],
  secrets: [...TENANT_DATA, ENV.secretsKeyArn],
  // The secret ports are built together (`secretPortsFrom`): data keys and the audit trail need the same.
  keys: [...TENANT_DATA, ENV.secretsKeyArn],
  audit: [...TENANT_DATA, ENV.secretsKeyArn],
  clusters: TENANT_DATA,
  reports: [ENV.reportsBucket],
  scanQueue: [ENV.scanQueueUrl],
  // The accounts' items (tenant and roles) live in the table, behind the tenant-access role.
  serviceAccounts: [...TENANT_DATA, ENV.userPoolId, ENV.serviceAccountScope, ENV.tokenUrl],
} as const satisfies Record<Port, readonly EnvName[]>;

/** Every variable the ports `ports` are built from, once each, in a stable order. */
export function portEnvNames(ports: readonly Port[]): EnvName[] {
  return [...new Set<EnvName>(ports.flatMap((port) => [...PORT_ENV[port]]))].sort();
}

/** Every variable a task function needs (besides Powertools' own), in a stable order. */
export function taskEnvNames(task: ApprovalTaskName): EnvName[] {
  return portEnvNames(WORKFLOW_TASK_PORTS[task]);
}
