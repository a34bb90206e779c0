import type { ContextDeps } from '../http/context-ports.ts';
import {
  changeRequestStoreFrom,
  documentStoreFrom,
  type Env,
  linkSignerFrom,
  publicUrlFrom,
  tenantTableFrom,
  tokenCipherFrom,
  workflowGatewayFrom,
} from './aws-approval-ports.ts';
import { basePortsFrom } from './base-ports.ts';

/**
 * The composition root of the approvals context on AWS (environments,
 * change requests, the approval page): tenant data through vended
 * credentials, the workflow a decision signals, the task-token cipher and
 * the link signer. The KMS, Step Functions and Secrets Manager clients load
 * on first use.
 *
 * @example export const handler = lazyHttpHandler(() => createHttpHandler(routesOf('approvals'), buildAwsApprovalsDeps(process.env)));
 */
export function buildAwsApprovalsDeps(env: Env): ContextDeps<'approvals'> {
  const table = tenantTableFrom(env);
  return {
    ...basePortsFrom(env),
    documents: documentStoreFrom(table),
    changeRequests: changeRequestStoreFrom(table),
    workflows: workflowGatewayFrom(env),
    tokenCipher: tokenCipherFrom(env),
    linkSigner: linkSignerFrom(env),
    publicUrl: publicUrlFrom(env),
  };
}
