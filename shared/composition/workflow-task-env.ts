import type { ApprovalTaskName } from '../workflows/approval-workflow.ts';
import { WORKFLOW_TASK_PORTS, type WorkflowTaskPort } from '../workflows/workflow-task-ports.ts';
import { ENV } from './env-vars.ts';

/** The name of one variable in {@link ENV}. */
export type EnvName = (typeof ENV)[keyof typeof ENV];

const TENANT_DATA = [ENV.tableName, ENV.tableArn, ENV.tableKeyArn, ENV.tenantRoleArn] as const;

/**
 * The variables each AWS-built port is made from: the composition roots read
 * exactly these (`requireEnv`), and CDK sets exactly these on a task
 * function for the ports `WORKFLOW_TASK_PORTS` gives it.
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
} as const satisfies Record<WorkflowTaskPort, readonly EnvName[]>;

/** Every variable a task function needs (besides Powertools' own), in a stable order. */
export function taskEnvNames(task: ApprovalTaskName): EnvName[] {
  const names = new Set<EnvName>(WORKFLOW_TASK_PORTS[task].flatMap((port) => [...PORT_ENV[port]]));
  return [...names].sort();
}

/**
 * The values of `names` in `env`; throws once, naming every missing one (a
 * deployment error, seen at the first invocation of a cold start).
 *
 * @example const [topicArn] = requireEnv(process.env, [ENV.approvalsTopicArn]);
 */
export function requireEnv(env: Record<string, string | undefined>, names: readonly EnvName[]): string[] {
  const missing = names.filter((name) => !env[name]);
  if (missing.length > 0) throw new Error(`missing environment: ${missing.join(', ')}`);
  return names.map((name) => env[name] as string);
}
