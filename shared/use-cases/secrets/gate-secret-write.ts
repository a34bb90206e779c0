import { randomBytes } from 'node:crypto';
import type { SecretMetadata, SecretRef } from '../../domain/secrets/secret-model.ts';
import { nextVersion, type SettingsVersion } from '../../domain/settings-version.ts';
import type { Envelope } from '../../ports/secret-store.ts';
import { type GateOutcome, gateProtectedWrite } from '../approvals/gate-protected-write.ts';
import type { LoadedEnvironmentConfig } from '../environments/load-environment-config.ts';
import { SECRETS_COLLECTION } from './secret-change-request.ts';
import type { SecretsDeps } from './secrets-deps.ts';
import { type SecretIntent, type SecretVersionWrite, secretProposal } from './write-secret-version.ts';

/**
 * The approval step of a secret write in a protected environment: the
 * sealed envelope waits as a pending value, bound to the version it will
 * become, and a change request that shows metadata and "value changed" only
 * holds the write. In a module of its own, imported by `writeSecretVersion`
 * only for a protected environment, so that the rotation job and the
 * secrets routes load the change request code (and its RFC 6902 diffs)
 * only when a write is gated.
 *
 * @example const gate = await gateSecretWrite(deps, write, envConfig, envelope); // { kind: 'change-request', ... }
 */
export async function gateSecretWrite(
  deps: SecretsDeps,
  write: SecretVersionWrite,
  envConfig: Promise<LoadedEnvironmentConfig>,
  envelope: Envelope,
): Promise<GateOutcome> {
  const { ref, head, intent } = write;
  // Why pending: the approver never sees the value; the sealed envelope waits, bound to the
  // version it will become, and the apply step moves it in unopened.
  const pendingId = `pv-${randomBytes(12).toString('hex')}`;
  await deps.secrets.putPending(ref, pendingId, envelope);
  return gateProtectedWrite(deps, {
    ref: { tenantId: ref.tenantId, collection: SECRETS_COLLECTION, key: `envs/${ref.env}/${ref.name}` },
    latest: head ? pseudoVersion(ref, head, intent) : null,
    record: nextVersion(
      head ? pseudoVersion(ref, head, intent) : null,
      { ...secretProposal(ref, write.fields, 'changed'), pendingValue: pendingId },
      { author: intent.author, reason: intent.reason, ticket: null, createdAt: intent.at },
    ),
    intent: {
      author: intent.author,
      ...(intent.authorEmail ? { authorEmail: intent.authorEmail } : {}),
      reason: intent.reason,
      ticket: null,
      createdAt: intent.at,
    },
    prefetched: envConfig,
  });
}

/** The head as the change request's base "version" (metadata only). */
function pseudoVersion(
  ref: SecretRef,
  head: SecretMetadata,
  intent: Pick<SecretIntent, 'at'>,
): SettingsVersion {
  return {
    ...nextVersion(null, secretProposal(ref, head, 'unchanged'), {
      author: head.createdBy,
      reason: 'current',
      ticket: null,
      createdAt: intent.at,
    }),
    version: head.version,
  };
}
