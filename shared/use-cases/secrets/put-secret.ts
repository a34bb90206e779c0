import type { Principal } from '../../domain/rbac.ts';
import { generateSecretValue } from '../../domain/secrets/generate-secret-value.ts';
import type { Alphabet, Category, Criticality, SecretMetadata } from '../../domain/secrets/secret-model.ts';
import type { IfMatch } from '../../domain/settings-version.ts';
import { mapWritten, type WriteOutcome } from '../approvals/write-outcome.ts';
import type { SecretsDeps } from './secrets-deps.ts';
import { intentOf, writeSecretVersion } from './write-secret-version.ts';

/** Input of {@link putSecret} (validated at the edge). */
export interface PutSecretInput {
  principal: Principal;
  env: string;
  name: string;
  /** The value, or `generate` (never both). */
  value?: string;
  generate?: { length: number; alphabet: Alphabet };
  criticality: Criticality;
  category: Category;
  description?: string;
  owner?: string;
  reason: string;
  ifMatch: IfMatch | undefined;
  requestId: string;
}

/**
 * `PUT /v1/secrets/envs/{env}/{name}`: writes version 1 (`created`) or the
 * next version of a secret, with a provided or generated value. Returns
 * metadata only.
 *
 * @example const { metadata, created } = await putSecret(deps, { principal, env: 'dev', name: 'db-password', value, criticality: 'critical', category: 'data-access', reason: 'init', ifMatch: undefined, requestId });
 */
export async function putSecret(
  deps: SecretsDeps,
  input: PutSecretInput,
): Promise<WriteOutcome<{ metadata: SecretMetadata; created: boolean }>> {
  const ref = { tenantId: input.principal.tenantId, env: input.env, name: input.name };
  const head = await deps.secrets.get(ref);
  const generator = input.generate ?? null;
  const value = generator ? generateSecretValue(generator.length, generator.alphabet) : (input.value ?? '');
  const outcome = await writeSecretVersion(deps, {
    ref,
    head,
    value,
    fields: {
      criticality: input.criticality,
      category: input.category,
      description: input.description ?? null,
      owner: input.owner ?? null,
      generated: generator !== null,
      generator,
    },
    intent: intentOf(deps, input),
    ifMatch: input.ifMatch,
    ifMatchRequired: true,
    action: 'secret.write',
  });
  return mapWritten(outcome, (metadata) => ({ metadata, created: head === null }));
}
