import { contentHash } from '../../domain/canonical-hash.ts';
import { ConflictError } from '../../domain/errors.ts';
import type { JsonObject } from '../../domain/json-value.ts';
import { authorize, type Principal } from '../../domain/rbac.ts';
import { findSecretReferences, mapSecretReferences } from '../../domain/secrets/secret-reference.ts';
import type { Deps } from '../deps.ts';
import { readVersion } from './reveal-secret.ts';
import type { SecretsDeps } from './secrets-deps.ts';

/**
 * Effective content with each `{"$secret": name}` shown as
 * `{"$secret": name, "version": N}` (the current version in `env`; `null`
 * when the secret is missing), plus a tag of those versions for the ETag.
 */
export async function annotateSecretReferences(
  deps: Pick<Deps, 'secrets'>,
  tenantId: string,
  env: string,
  content: JsonObject,
): Promise<{ content: JsonObject; versionsTag: string | null }> {
  const names = [...new Set(findSecretReferences(content).map((r) => r.name))].sort();
  const { secrets } = deps;
  if (names.length === 0) return { content, versionsTag: null };
  const versions = new Map(
    await Promise.all(
      names.map(async (name) => {
        const head = await secrets.get({ tenantId, env, name });
        return [name, head?.state === 'active' ? head.version : null] as const;
      }),
    ),
  );
  return {
    content: mapSecretReferences(content, (name) => ({
      $secret: name,
      version: versions.get(name) ?? null,
    })) as JsonObject,
    versionsTag: contentHash([...versions.entries()]).slice(0, 16),
  };
}

/**
 * Effective content with every secret reference replaced by its current
 * value. All or nothing: without `secret-reader` for `env` it is a 403
 * before anything is read, and a missing secret fails the whole answer.
 * Every value read is audited (`secret.read`).
 */
export async function resolveSecretReferences(
  deps: SecretsDeps,
  principal: Principal,
  env: string,
  content: JsonObject,
  requestId: string,
): Promise<JsonObject> {
  authorize(principal, 'secrets:reveal', env);
  const names = [...new Set(findSecretReferences(content).map((r) => r.name))];
  const values = new Map<string, string>();
  for (const name of names) {
    const ref = { tenantId: principal.tenantId, env, name };
    const head = await deps.secrets.get(ref);
    if (head?.state !== 'active') {
      throw new ConflictError(`The settings reference secret '${name}', which does not exist in '${env}'`);
    }
    values.set(name, await readVersion(deps, ref, head.version, principal.userId, requestId));
  }
  return mapSecretReferences(content, (name) => values.get(name) ?? null) as JsonObject;
}
