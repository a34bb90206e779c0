/**
 * The composition roots of the approval workflow's task functions on AWS,
 * one per task: each builds exactly the ports `WORKFLOW_TASK_PORTS` gives
 * its task (the return type says so) from exactly the variables `PORT_ENV`
 * names, so a function's template environment and its code cannot drift
 * apart. Built on the first invocation (see `lazyTask`).
 */
import { DynamoDbChangeRequestStore } from '../adapters/aws/dynamodb-change-request-store.ts';
import type { ChangeRequestStore } from '../ports/change-request-store.ts';
import type { ApprovalTaskDeps } from '../workflows/workflow-task-ports.ts';
import { type Env, type TenantTable, tenantTableFrom } from './aws-approval-ports.ts';
import { linkSignerFrom, tokenCipherFrom, workflowGatewayFrom } from './aws-approval-step-ports.ts';
import { notifierFrom } from './aws-notifier.ts';
import { basePortsFrom as basePorts } from './base-ports.ts';
import { publicUrlFrom } from './public-url.ts';

/** Every task reads or writes its change request, so the store is built at cold start (not behind a lazy port). */
export function changeRequestStoreFrom(table: TenantTable): ChangeRequestStore {
  return new DynamoDbChangeRequestStore(table);
}

/** The tasks that only read and write the request. */
function requestPorts(env: Env): ApprovalTaskDeps<'Validate' | 'ResolveTimeout'> {
  return { ...basePorts(env), changeRequests: changeRequestStoreFrom(tenantTableFrom(env)) };
}

/** The tasks that tell the requester. */
function requesterPorts(env: Env): ApprovalTaskDeps<'NotifyRequester' | 'MarkFailed'> {
  return { ...requestPorts(env), notifier: notifierFrom(env) };
}

/** Task `Validate`: reads the request. */
export const buildValidateTaskDeps: (env: Env) => ApprovalTaskDeps<'Validate'> = requestPorts;

/** Task `AwaitDecision`: stores the encrypted token, signs and sends the approvers' links. */
export function buildAwaitDecisionTaskDeps(env: Env): ApprovalTaskDeps<'AwaitDecision'> {
  return {
    ...requestPorts(env),
    workflows: workflowGatewayFrom(env),
    tokenCipher: tokenCipherFrom(env),
    linkSigner: linkSignerFrom(env),
    publicUrl: publicUrlFrom(env),
    notifier: notifierFrom(env),
  };
}

/** Task `ResolveTimeout`: expires the request. */
export const buildResolveTimeoutTaskDeps: (env: Env) => ApprovalTaskDeps<'ResolveTimeout'> = requestPorts;

/** Task `NotifyRequester`: tells the requester. */
export const buildNotifyRequesterTaskDeps: (env: Env) => ApprovalTaskDeps<'NotifyRequester'> = requesterPorts;

/** Task `MarkFailed`: marks the request failed and tells the requester. */
export const buildMarkFailedTaskDeps: (env: Env) => ApprovalTaskDeps<'MarkFailed'> = requesterPorts;
