import type { LinkSigner } from '../ports/link-signer.ts';
import type { TokenCipher } from '../ports/token-cipher.ts';
import type { WorkflowGateway } from '../ports/workflow-gateway.ts';
import type { Env } from './base-ports.ts';
import { lazyPort } from './lazy-port.ts';
import { requireEnv } from './require-env.ts';
import { PORT_ENV } from './workflow-task-env.ts';

// Why apart from aws-approval-ports.ts: the HTTP contexts build these on the first protected write
// or decision (`onFirstUse` with a dynamic import), so their wiring is not at every cold start; the
// workflow tasks that always use them import this module directly.

/** The approval state machine (Step Functions); the SFN client loads on the first call. */
export function workflowGatewayFrom(env: Env): WorkflowGateway {
  const [stateMachineArn] = requireEnv(env, PORT_ENV.workflows) as [string];
  return lazyPort(async () => {
    const { SfnWorkflowGateway } = await import('../adapters/aws/sfn-workflow-gateway.ts');
    return new SfnWorkflowGateway({ stateMachineArn });
  });
}

/** Approval links signed with the key kept in Secrets Manager (read once per cold start, on first use). */
export function linkSignerFrom(env: Env): LinkSigner {
  const [secretArn] = requireEnv(env, PORT_ENV.linkSigner) as [string];
  return lazyPort(async () => {
    const [{ SecretsManagerValues }, { HmacLinkSigner }] = await Promise.all([
      import('../adapters/aws/secrets-manager-values.ts'),
      import('../adapters/crypto/hmac-link-signer.ts'),
    ]);
    const secrets = new SecretsManagerValues();
    return new HmacLinkSigner(() => secrets.hmacKey(secretArn));
  });
}

/** Task tokens encrypted at rest under the task-token KMS key; the KMS client loads on first use. */
export function tokenCipherFrom(env: Env): TokenCipher {
  const [keyId] = requireEnv(env, PORT_ENV.tokenCipher) as [string];
  return lazyPort(async () => {
    const { KmsTokenCipher } = await import('../adapters/aws/kms-token-cipher.ts');
    return new KmsTokenCipher({ keyId });
  });
}
