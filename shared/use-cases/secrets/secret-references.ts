import type { Violation } from '../../domain/errors.ts';
import type { JsonObject } from '../../domain/json-value.ts';
import { profileReferences } from '../../domain/layers/profile-references.ts';
import { parseScopeKey, scopeEnv } from '../../domain/scope.ts';
import type { SecretReferrer } from '../../domain/secrets/secret-errors.ts';
import { findSecretReferences } from '../../domain/secrets/secret-reference.ts';
import { limitReads } from '../concurrency/limit-reads.ts';
import type { Deps } from '../deps.ts';

/**
 * Every settings document that references secret `name` where it reaches
 * environment `env`: the environment's own layers, `global` (resolved in
 * every environment), and the resource profiles those layers pull in
 * (reported as `profiles/<name>`, pointer inside the profile). Settings
 * first, each sorted by key. Reads the tenant's layers and profiles from
 * the projection of latest contents (one paginated Query behind the read
 * limiter), so its cost does not grow one call per service.
 */
export async function settingsReferencing(
  deps: Pick<Deps, 'documents'>,
  tenantId: string,
  env: string,
  name: string,
): Promise<SecretReferrer[]> {
  const docs = await limitReads(deps.documents).latestAll(tenantId, ['settings', 'profiles']);
  const layers = docs.filter((doc) => doc.collection === 'settings' && reaches(doc.key, env));
  const used = new Set(
    layers.flatMap((layer) =>
      profileReferences(layer.content).flatMap((ref) => (typeof ref.name === 'string' ? [ref.name] : [])),
    ),
  );
  const profiles = docs.filter((doc) => doc.collection === 'profiles' && used.has(doc.key));
  const referrers = (document: string, content: JsonObject): SecretReferrer[] =>
    findSecretReferences(content)
      .filter((r) => r.name === name)
      .map((r) => ({ document, pointer: r.pointer }));
  return [
    ...layers.flatMap((layer) => referrers(layer.key, layer.content)),
    ...profiles.flatMap((profile) => referrers(`profiles/${profile.key}`, profile.content)),
  ];
}

/** True when settings layer `key` takes part in environment `env`'s configurations. */
function reaches(key: string, env: string): boolean {
  const scope = parseScopeKey(key);
  return scope !== undefined && (scope.kind === 'global' || scopeEnv(scope) === env);
}

/**
 * Violations (rule `secret.reference-missing`) for references in effective
 * content of `target` (in environment `env`) to secrets that do not exist
 * there (or are scheduled for deletion).
 */
export async function missingSecretReferences(
  deps: Required<Pick<Deps, 'secrets'>>,
  tenantId: string,
  env: string,
  target: string,
  content: JsonObject,
): Promise<Violation[]> {
  const references = findSecretReferences(content);
  const names = [...new Set(references.map((r) => r.name))];
  const heads = new Map(
    await Promise.all(
      names.map(async (name) => [name, await deps.secrets.get({ tenantId, env, name })] as const),
    ),
  );
  return references
    .filter((r) => heads.get(r.name)?.state !== 'active')
    .map((r) => ({
      pointer: r.pointer,
      rule: 'secret.reference-missing',
      message: `secret '${r.name}' does not exist in environment '${env}'`,
      value: { $secret: r.name },
      hint: `Create it first: plumb secrets put ${r.name} --env ${env}`,
      target,
    }));
}
