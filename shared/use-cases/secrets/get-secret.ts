import type {
  SecretMetadata,
  SecretRef,
  SecretStage,
  SecretVersionInfo,
} from '../../domain/secrets/secret-model.ts';
import { stageOf } from '../../domain/secrets/secret-model.ts';
import { loadSecret } from './load-secret.ts';
import type { SecretsDeps } from './secrets-deps.ts';

/**
 * `GET .../{name}`: metadata and every version with its stage (`current`,
 * `previous`, `deprecated`). Two reads, in parallel.
 *
 * @example const { metadata, versions } = await getSecret(deps, { tenantId: 'acme', env: 'dev', name: 'db-password' });
 */
export async function getSecret(
  deps: Pick<SecretsDeps, 'secrets'>,
  ref: SecretRef,
): Promise<{
  metadata: SecretMetadata;
  versions: (SecretVersionInfo & { number: number; stage: SecretStage })[];
}> {
  const [metadata, versions] = await Promise.all([loadSecret(deps, ref), deps.secrets.versions(ref)]);
  return {
    metadata,
    versions: versions
      .filter((v) => v.version <= metadata.version)
      // `number` is the version number under the contract's name; `version` the same, as elsewhere.
      .map((v) => ({ number: v.version, ...v, stage: stageOf(v.version, metadata.version) })),
  };
}
