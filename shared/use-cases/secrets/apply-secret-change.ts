import type { ChangeRequest } from '../../domain/approvals/change-request.ts';
import type { Alphabet, Category, Criticality, SecretRef } from '../../domain/secrets/secret-model.ts';
import { SecretVersionConflictError } from '../../ports/secret-store.ts';
import type { Deps } from '../deps.ts';
import { nextMetadata } from './write-secret-version.ts';

/** The ports the apply step of a secret change request uses. */
export type ApplySecretDeps = Pick<Deps, 'documents' | 'clock' | 'secrets'>;

/**
 * The apply step of an approved secret write: moves the pending envelope
 * (sealed, when the request was made, for version `baseVersion + 1`) in as
 * that version, only if the secret is still at `baseVersion`; otherwise the
 * request is `conflicted`. The value is never opened here. Idempotent: a
 * version this request already wrote (its reason carries `marker`) counts
 * as applied.
 *
 * @example await applySecretChange(deps, request, ' [change request cr-1]')
 */
export async function applySecretChange(
  deps: ApplySecretDeps,
  request: ChangeRequest,
  marker: string,
): Promise<{ status: 'applied' | 'conflicted'; version: number | null }> {
  const { secrets } = deps;
  const name = String(request.proposed.name);
  const ref: SecretRef = { tenantId: request.tenantId, env: request.env, name };
  const version = (request.baseVersion ?? 0) + 1;
  const head = await secrets.get(ref);
  if (head && head.version === version) {
    const mine = (await secrets.versions(ref)).find((v) => v.version === version);
    if (mine?.reason.endsWith(marker)) return { status: 'applied', version };
  }
  if ((head?.version ?? null) !== request.baseVersion)
    return { status: 'conflicted', version: head?.version ?? null };
  const envelope = await secrets.pending(ref, String(request.proposed.pendingValue));
  if (!envelope) return { status: 'conflicted', version: head?.version ?? null };
  const p = request.proposed as Record<string, unknown>;
  const at = deps.clock.now().toISOString();
  const metadata = await nextMetadata(
    deps,
    ref,
    head,
    {
      criticality: p.criticality as Criticality,
      category: p.category as Category,
      description: (p.description as string | null) ?? null,
      owner: (p.owner as string | null) ?? null,
      generated: p.generated === true,
      generator: (p.generator as { length: number; alphabet: Alphabet } | null) ?? null,
    },
    version,
    { author: request.requester, at },
  );
  try {
    await secrets.putVersion(
      ref,
      {
        metadata,
        version: {
          version,
          createdAt: at,
          createdBy: request.requester,
          reason: `${request.reason}${marker}`,
        },
        envelope,
      },
      request.baseVersion,
    );
    return { status: 'applied', version };
  } catch (error) {
    if (!(error instanceof SecretVersionConflictError)) throw error;
    return { status: 'conflicted', version: error.current };
  }
}
