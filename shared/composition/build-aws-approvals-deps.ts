import type { ContextDeps } from '../http/context-ports.ts';
import { type Env, onFirstUse } from './aws-approval-ports.ts';
import { writePathPortsFrom } from './aws-document-ports.ts';
import { publicUrlFrom } from './public-url.ts';

/**
 * The composition root of the approvals context on AWS (environments,
 * change requests, the approval page): the write path's ports (an
 * environment's configuration is written through it), the task-token cipher
 * a decision decrypts the workflow's token with, and the link signer. The
 * KMS, Step Functions and Secrets Manager clients load on first use, and
 * each port checks its variables then.
 *
 * @example export const handler = lazyHttpHandler(() => createHttpHandler(approvalsContextRoutes, buildAwsApprovalsDeps(process.env)));
 */
export function buildAwsApprovalsDeps(env: Env): ContextDeps<'approvals'> {
  return {
    ...writePathPortsFrom(env),
    tokenCipher: onFirstUse(async () => (await import('./aws-approval-step-ports.ts')).tokenCipherFrom(env)),
    linkSigner: onFirstUse(async () => (await import('./aws-approval-step-ports.ts')).linkSignerFrom(env)),
    publicUrl: () => publicUrlFrom(env)(),
  };
}
