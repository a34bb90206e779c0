import { parseScopeKey, scopeEnv } from '../../domain/scope.ts';
import type { DocumentRef } from '../../ports/document-store.ts';
import { ENVIRONMENTS_COLLECTION } from '../environments/environments-ref.ts';

/**
 * The environment a versioned document belongs to, if any: a settings layer
 * under `envs/{env}`, an environment's own configuration, or any other
 * collection whose key is a scope key (`envs/prod/...`) or an environment
 * name. `undefined` for tenant-wide documents (`global`, shared profiles).
 */
export function environmentOfDocument(ref: DocumentRef): string | undefined {
  if (ref.collection === ENVIRONMENTS_COLLECTION) return ref.key;
  const scope = parseScopeKey(ref.key);
  if (scope !== undefined) return scopeEnv(scope);
  // Per-environment documents of other collections (policies keyed `prod`, `envs/prod` ...).
  const match = /^envs\/([a-z0-9][a-z0-9-]{0,62})(?:\/|$)/.exec(ref.key);
  return match?.[1];
}
