import type { SecretsPolicy } from '../../domain/secrets/rotation-period.ts';
import type { SecretsDeps } from './secrets-deps.ts';

/** The `secrets` member of an environment's policy (`undefined` when it has none). */
export async function secretsPolicyOf(
  deps: Pick<SecretsDeps, 'documents'>,
  tenantId: string,
  env: string,
): Promise<SecretsPolicy | undefined> {
  const policy = await deps.documents.latest({ tenantId, collection: 'policies', key: `envs/${env}` });
  const secrets = policy?.content.secrets;
  return typeof secrets === 'object' && secrets !== null && !Array.isArray(secrets)
    ? (secrets as SecretsPolicy)
    : undefined;
}
