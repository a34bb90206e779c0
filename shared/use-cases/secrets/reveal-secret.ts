import { NotFoundError } from '../../domain/errors.ts';
import type { Principal } from '../../domain/rbac.ts';
import { type SecretRef, secretContext, stageOf } from '../../domain/secrets/secret-model.ts';
import { openEnvelope } from './envelope-cipher.ts';
import { loadSecret } from './load-secret.ts';
import type { SecretsDeps } from './secrets-deps.ts';

/** Input of {@link revealSecret}: the current version, `version`, or `stage: 'previous'`. */
export interface RevealSecretInput {
  principal: Principal;
  env: string;
  name: string;
  version?: number;
  stage?: 'current' | 'previous';
  requestId: string;
}

/**
 * Reads a secret's value (the caller's `secret-reader` role is checked by the
 * route): the current or the previous version (deprecated ones are no longer
 * readable). Every read writes an audit event `secret.read` first: no audit,
 * no value.
 *
 * @example const { value } = await revealSecret(deps, { principal, env: 'dev', name: 'db-password', requestId });
 */
export async function revealSecret(
  deps: SecretsDeps,
  input: RevealSecretInput,
): Promise<{ name: string; version: number; value: string }> {
  const ref: SecretRef = { tenantId: input.principal.tenantId, env: input.env, name: input.name };
  const head = await loadSecret(deps, ref);
  if (head.state !== 'active') throw new NotFoundError(`Secret '${ref.name}' is scheduled for deletion`);
  const version = input.version ?? (input.stage === 'previous' ? head.version - 1 : head.version);
  if (version < 1 || version > head.version)
    throw new NotFoundError(`Secret '${ref.name}' has no version ${version}`);
  if (stageOf(version, head.version) === 'deprecated') {
    throw new NotFoundError(`Version ${version} of '${ref.name}' is deprecated and no longer readable`);
  }
  const value = await readVersion(deps, ref, version, input.principal.userId, input.requestId);
  return { name: ref.name, version, value };
}

/** Audits, then opens one version's envelope. Shared with the resolution of references. */
export async function readVersion(
  deps: SecretsDeps,
  ref: SecretRef,
  version: number,
  actor: string,
  requestId: string,
): Promise<string> {
  const envelope = await deps.secrets.envelope(ref, version);
  if (!envelope) throw new NotFoundError(`Secret '${ref.name}' has no readable version ${version}`);
  await deps.audit.append(ref.tenantId, {
    actor,
    action: 'secret.read',
    target: `secrets/${ref.env}/${ref.name}@${version}`,
    env: ref.env,
    reason: null,
    result: 'success',
    requestId,
    at: deps.clock.now().toISOString(),
    detail: { name: ref.name, version },
  });
  return openEnvelope(deps.keys, secretContext(ref, version), envelope);
}
