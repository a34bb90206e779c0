import { ConflictError, PreconditionFailedError } from '../../domain/errors.ts';
import type { Principal } from '../../domain/rbac.ts';
import { SecretInUseError } from '../../domain/secrets/secret-errors.ts';
import type { SecretMetadata, SecretRef } from '../../domain/secrets/secret-model.ts';
import type { IfMatch } from '../../domain/settings-version.ts';
import { SecretVersionConflictError } from '../../ports/secret-store.ts';
import { loadSecret } from './load-secret.ts';
import { settingsReferencing } from './secret-references.ts';
import type { SecretsDeps } from './secrets-deps.ts';
import { checkPrecondition } from './write-secret-version.ts';

/** Input of {@link deleteSecret} and {@link restoreSecret}. */
export interface SecretStateInput {
  principal: Principal;
  env: string;
  name: string;
  reason: string;
  ifMatch: IfMatch | undefined;
  requestId: string;
}

/**
 * `DELETE .../{name}`: schedules deletion after a recovery window of
 * `recoveryDays` (7-30). Refused (409 listing every referencing settings
 * document) while settings still reference the secret.
 *
 * @example await deleteSecret(deps, { principal, env: 'dev', name: 'old-key', reason: 'unused', ifMatch: undefined, requestId, recoveryDays: 30 });
 */
export async function deleteSecret(
  deps: SecretsDeps,
  input: SecretStateInput & { recoveryDays: number },
): Promise<SecretMetadata> {
  const ref = refOf(input);
  const head = await loadSecret(deps, ref);
  checkPrecondition({ ref, head, ifMatch: input.ifMatch, ifMatchRequired: false });
  if (head.state === 'pending-deletion')
    throw new ConflictError(`Secret '${ref.name}' is already scheduled for deletion`);
  const references = await settingsReferencing(deps, ref.tenantId, ref.env, ref.name);
  if (references.length > 0) {
    throw new SecretInUseError(
      `Secret '${ref.name}' is referenced by ${references.length} setting(s); remove the references first`,
      references,
    );
  }
  const now = deps.clock.now();
  const next: SecretMetadata = {
    ...head,
    state: 'pending-deletion',
    deletionAt: new Date(now.getTime() + input.recoveryDays * 86_400_000).toISOString(),
  };
  await guarded(ref, () => deps.secrets.scheduleDeletion(ref, next, head.version, input.recoveryDays));
  await audit(deps, input, 'secret.delete', head.version, now);
  return next;
}

/**
 * `POST .../{name}/restore`: undoes a scheduled deletion within its window.
 *
 * @example await restoreSecret(deps, { principal, env: 'dev', name: 'old-key', reason: 'still used', ifMatch: undefined, requestId });
 */
export async function restoreSecret(deps: SecretsDeps, input: SecretStateInput): Promise<SecretMetadata> {
  const ref = refOf(input);
  const head = await loadSecret(deps, ref);
  checkPrecondition({ ref, head, ifMatch: input.ifMatch, ifMatchRequired: false });
  if (head.state !== 'pending-deletion')
    throw new ConflictError(`Secret '${ref.name}' is not scheduled for deletion`);
  const next: SecretMetadata = { ...head, state: 'active', deletionAt: null };
  await guarded(ref, () => deps.secrets.restore(ref, next, head.version));
  await audit(deps, input, 'secret.restore', head.version, deps.clock.now());
  return next;
}

function refOf(input: SecretStateInput): SecretRef {
  return { tenantId: input.principal.tenantId, env: input.env, name: input.name };
}

async function guarded(ref: SecretRef, call: () => Promise<void>): Promise<void> {
  try {
    await call();
  } catch (error) {
    if (!(error instanceof SecretVersionConflictError)) throw error;
    throw new PreconditionFailedError(
      `Secret '${ref.name}' changed meanwhile; read it and retry`,
      error.current,
    );
  }
}

async function audit(
  deps: SecretsDeps,
  input: SecretStateInput,
  action: string,
  version: number,
  at: Date,
): Promise<void> {
  await deps.audit.append(input.principal.tenantId, {
    actor: input.principal.userId,
    action,
    target: `secrets/${input.env}/${input.name}@${version}`,
    env: input.env,
    reason: input.reason,
    result: 'success',
    requestId: input.requestId,
    at: at.toISOString(),
  });
}
