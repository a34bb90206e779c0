import type { ContextDeps } from '../http/context-ports.ts';
import {
  changeRequestStoreFrom,
  documentStoreFrom,
  type Env,
  linkSignerFrom,
  onFirstUse,
  publicUrlFrom,
  tenantTableOnFirstUseFrom,
  tokenCipherFrom,
  workflowGatewayFrom,
} from './aws-approval-ports.ts';
import { basePortsFrom } from './base-ports.ts';

/**
 * The composition root of the approvals context on AWS (environments,
 * change requests, the approval page): tenant data through vended
 * credentials, the workflow a decision signals, the task-token cipher and
 * the link signer. The KMS, Step Functions and Secrets Manager clients load
 * on first use, and each port checks its variables then.
 *
 * @example export const handler = lazyHttpHandler(() => createHttpHandler(routesOf('approvals'), buildAwsApprovalsDeps(process.env)));
 */
export function buildAwsApprovalsDeps(env: Env): ContextDeps<'approvals'> {
  const table = tenantTableOnFirstUseFrom(env);
  return {
    ...basePortsFrom(env),
    documents: documentStoreFrom(table),
    changeRequests: changeRequestStoreFrom(table),
    workflows: onFirstUse(() => workflowGatewayFrom(env)),
    tokenCipher: onFirstUse(() => tokenCipherFrom(env)),
    linkSigner: onFirstUse(() => linkSignerFrom(env)),
    publicUrl: () => publicUrlFrom(env)(),
  };
}
