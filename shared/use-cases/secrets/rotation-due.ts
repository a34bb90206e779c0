import { rotationDays, rotationDueAt } from '../../domain/secrets/rotation-period.ts';
import type { SecretMetadata } from '../../domain/secrets/secret-model.ts';
import { secretsPolicyOf } from './rotation-policy.ts';
import type { SecretsDeps } from './secrets-deps.ts';

/** A secret past its rotation period. */
export interface DueSecret {
  metadata: SecretMetadata;
  /** The period that applies now (the policy may have shortened it since the last write). */
  periodDays: number;
  dueAt: string;
}

/**
 * The active secrets of an environment whose current version is older than
 * their period: critical 30 days, standard 90, low 365, or shorter when the
 * environment's policy says so (`secrets.rotationDays`).
 *
 * @example const due = await rotationDue(deps, 'acme', 'prod');
 */
export async function rotationDue(
  deps: Pick<SecretsDeps, 'secrets' | 'documents' | 'clock'>,
  tenantId: string,
  env: string,
): Promise<DueSecret[]> {
  const [policy, all] = await Promise.all([
    secretsPolicyOf(deps, tenantId, env),
    listAll(deps, tenantId, env),
  ]);
  const now = deps.clock.now().getTime();
  return all
    .filter((m) => m.state === 'active')
    .map((metadata) => {
      const periodDays = rotationDays(metadata.criticality, policy);
      return { metadata, periodDays, dueAt: rotationDueAt(metadata.rotatedAt, periodDays) };
    })
    .filter((d) => Date.parse(d.dueAt) <= now);
}

/** Every secret of an environment (all pages). */
export async function listAll(
  deps: Pick<SecretsDeps, 'secrets'>,
  tenantId: string,
  env: string,
): Promise<SecretMetadata[]> {
  const out: SecretMetadata[] = [];
  let after: string | undefined;
  do {
    const page = await deps.secrets.list(tenantId, env, {
      limit: 100,
      ...(after === undefined ? {} : { after }),
    });
    out.push(...page.items);
    after = page.next ?? undefined;
  } while (after !== undefined);
  return out;
}
