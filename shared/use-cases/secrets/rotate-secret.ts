import { ValidationError } from '../../domain/errors.ts';
import type { Principal } from '../../domain/rbac.ts';
import { generateSecretValue } from '../../domain/secrets/generate-secret-value.ts';
import type { SecretMetadata } from '../../domain/secrets/secret-model.ts';
import type { IfMatch } from '../../domain/settings-version.ts';
import type { WriteOutcome } from '../approvals/write-outcome.ts';
import { loadSecret } from './load-secret.ts';
import type { SecretsDeps } from './secrets-deps.ts';
import { intentOf, writeSecretVersion } from './write-secret-version.ts';

/** Input of {@link rotateSecret}. */
export interface RotateSecretInput {
  principal: Principal;
  env: string;
  name: string;
  /** The new value; generated secrets need none. */
  value?: string;
  reason: string;
  ifMatch: IfMatch | undefined;
  requestId: string;
}

/**
 * `POST .../{name}/rotate`: writes the next version (a new generated value,
 * or the value given); the version before becomes `previous`.
 *
 * @example await rotateSecret(deps, { principal, env: 'dev', name: 'api-key', reason: 'monthly', ifMatch: undefined, requestId });
 */
export async function rotateSecret(
  deps: SecretsDeps,
  input: RotateSecretInput,
): Promise<WriteOutcome<SecretMetadata>> {
  const ref = { tenantId: input.principal.tenantId, env: input.env, name: input.name };
  const head = await loadSecret(deps, ref);
  let value = input.value;
  if (value === undefined) {
    if (!head.generator) {
      throw new ValidationError(`Secret '${ref.name}' is not generated: send the new value`, [
        {
          pointer: '/body/value',
          rule: 'required',
          message: 'a value is required to rotate a provided secret',
          hint: 'Send {"value": "...", "reason": "..."} (with the CLI: pipe it to stdin or use --from-file)',
        },
      ]);
    }
    value = generateSecretValue(head.generator.length, head.generator.alphabet);
  }
  const {
    name: _n,
    env: _e,
    version: _v,
    createdAt: _c,
    createdBy: _b,
    rotatedAt: _r,
    rotationDueAt: _d,
    state: _s,
    deletionAt: _x,
    ...fields
  } = head;
  return writeSecretVersion(deps, {
    ref,
    head,
    value,
    fields,
    intent: intentOf(deps, input),
    ifMatch: input.ifMatch,
    ifMatchRequired: false,
    action: 'secret.rotate',
  });
}
