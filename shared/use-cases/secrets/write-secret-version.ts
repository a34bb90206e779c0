import { ConflictError, PreconditionFailedError, PreconditionRequiredError } from '../../domain/errors.ts';
import type { JsonObject } from '../../domain/json-value.ts';
import { rotationDays, rotationDueAt } from '../../domain/secrets/rotation-period.ts';
import { type SecretMetadata, type SecretRef, secretContext } from '../../domain/secrets/secret-model.ts';
import type { IfMatch } from '../../domain/settings-version.ts';
import { SecretVersionConflictError } from '../../ports/secret-store.ts';
import { type WriteOutcome, written } from '../approvals/write-outcome.ts';
import { loadEnvironmentConfig } from '../environments/load-environment-config.ts';
import { sealEnvelope } from './envelope-cipher.ts';
import { secretsPolicyOf } from './rotation-policy.ts';
import type { SecretsDeps } from './secrets-deps.ts';

/** The metadata a writer chooses. */
export type SecretFields = Pick<
  SecretMetadata,
  'criticality' | 'category' | 'description' | 'owner' | 'generated' | 'generator'
>;

/** Who writes, why and when. */
export interface SecretIntent {
  author: string;
  /** The author's address (the token's `email` claim): the change request's `requesterEmail`. */
  authorEmail?: string;
  reason: string;
  requestId: string;
  /** ISO-8601 UTC. */
  at: string;
}

/** The intent of a caller's write: who, why, which request, now. */
export function intentOf(
  deps: Pick<SecretsDeps, 'clock'>,
  input: { principal: { userId: string; email?: string }; reason: string; requestId: string },
): SecretIntent {
  return {
    author: input.principal.userId,
    ...(input.principal.email ? { authorEmail: input.principal.email } : {}),
    reason: input.reason,
    requestId: input.requestId,
    at: deps.clock.now().toISOString(),
  };
}

/** One new version about to be written. */
export interface SecretVersionWrite {
  ref: SecretRef;
  head: SecretMetadata | null;
  /** The plaintext: sealed at once, never logged, never stored. */
  value: string;
  fields: SecretFields;
  intent: SecretIntent;
  /** `If-Match`: required by PUT on an existing secret (`required`), optional for rotation. */
  ifMatch: IfMatch | undefined;
  ifMatchRequired: boolean;
  action: 'secret.write' | 'secret.rotate';
}

/** What a change request shows of a secret write: metadata and "value changed", never the value. */
export function secretProposal(
  ref: SecretRef,
  fields: SecretFields,
  value: 'changed' | 'unchanged',
): JsonObject {
  return {
    name: ref.name,
    env: ref.env,
    criticality: fields.criticality,
    category: fields.category,
    description: fields.description,
    owner: fields.owner,
    generated: fields.generated,
    generator: fields.generator ? { ...fields.generator } : null,
    value,
  };
}

/**
 * The write path of a secret version: checks `If-Match` against the head,
 * seals the value in a fresh envelope bound to the next version, and either
 * writes it (head moved conditionally: a lost race is a 412), or, in a
 * protected environment, keeps the envelope pending and opens a change
 * request that shows metadata and "value changed" only (202).
 *
 * @example const metadata = await writeSecretVersion(deps, { ref, head, value, fields, intent, ifMatch, ifMatchRequired: true, action: 'secret.write' });
 */
export async function writeSecretVersion(
  deps: SecretsDeps,
  write: SecretVersionWrite,
): Promise<WriteOutcome<SecretMetadata>> {
  const { ref, head, intent } = write;
  checkPrecondition(write);
  if (head?.state === 'pending-deletion') {
    throw new ConflictError(`Secret '${ref.name}' is scheduled for deletion; restore it before writing`);
  }
  const version = (head?.version ?? 0) + 1;
  const envConfig = loadEnvironmentConfig(deps, ref.tenantId, ref.env);
  envConfig.catch(() => undefined);
  const envelope = await sealEnvelope(deps.keys, secretContext(ref, version), write.value);
  if ((await envConfig).config.protected) {
    // Loaded only here: the change request code (and its diffs) is for protected environments.
    const { gateSecretWrite } = await import('./gate-secret-write.ts');
    const gate = await gateSecretWrite(deps, write, envConfig, envelope);
    if (gate.kind === 'change-request') return gate;
  }
  const metadata = await nextMetadata(deps, ref, head, write.fields, version, intent);
  try {
    await deps.secrets.putVersion(
      ref,
      {
        metadata,
        version: { version, createdAt: intent.at, createdBy: intent.author, reason: intent.reason },
        envelope,
      },
      head?.version ?? null,
    );
  } catch (error) {
    if (!(error instanceof SecretVersionConflictError)) throw error;
    throw new PreconditionFailedError(
      `Secret '${ref.name}' changed while you wrote it (now version ${error.current ?? 'none'}); read it and retry`,
      error.current,
    );
  }
  await deps.audit.append(ref.tenantId, {
    actor: intent.author,
    action: write.action,
    target: `secrets/${ref.env}/${ref.name}@${version}`,
    env: ref.env,
    reason: intent.reason,
    result: 'success',
    requestId: intent.requestId,
    at: intent.at,
  });
  deps.logger.info('secret version written', { tenant: ref.tenantId, env: ref.env, name: ref.name, version });
  return written(metadata);
}

/** The head after writing `version` (rotation due date from the environment's policy). */
export async function nextMetadata(
  deps: Pick<SecretsDeps, 'documents'>,
  ref: SecretRef,
  head: SecretMetadata | null,
  fields: SecretFields,
  version: number,
  intent: Pick<SecretIntent, 'author' | 'at'>,
): Promise<SecretMetadata> {
  const policy = await secretsPolicyOf(deps, ref.tenantId, ref.env);
  return {
    name: ref.name,
    env: ref.env,
    version,
    ...fields,
    createdAt: head?.createdAt ?? intent.at,
    createdBy: head?.createdBy ?? intent.author,
    rotatedAt: intent.at,
    rotationDueAt: rotationDueAt(intent.at, rotationDays(fields.criticality, policy)),
    state: 'active',
    deletionAt: null,
  };
}

/** 428 when an existing secret is replaced without `If-Match` (PUT), 412 when it names another version. */
export function checkPrecondition(
  write: Pick<SecretVersionWrite, 'ref' | 'head' | 'ifMatch' | 'ifMatchRequired'>,
): void {
  const { ref, head, ifMatch } = write;
  if (head && ifMatch === undefined && write.ifMatchRequired) {
    throw new PreconditionRequiredError(
      `Secret '${ref.name}' exists at version ${head.version}; send If-Match: "${head.version}" to replace it`,
      head.version,
    );
  }
  if (ifMatch === undefined) return;
  if (head === null || (ifMatch !== '*' && ifMatch !== head.version)) {
    throw new PreconditionFailedError(
      head === null
        ? `Secret '${ref.name}' does not exist; If-Match cannot match`
        : `Secret '${ref.name}' is at version ${head.version}, not ${ifMatch}`,
      head?.version ?? null,
    );
  }
}
