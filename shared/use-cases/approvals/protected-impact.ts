import { contentHash } from '../../domain/canonical-hash.ts';
import type { JsonObject } from '../../domain/json-value.ts';
import { parseScopeKey, type Scope } from '../../domain/scope.ts';
import type { DocumentRef } from '../../ports/document-store.ts';
import type { Deps } from '../deps.ts';
import { DocumentCache } from '../effective/document-cache.ts';
import { loadEffective } from '../effective/load-effective.ts';
import { effectiveTargets } from '../effective/targets.ts';
import { loadEnvironmentConfig } from '../environments/load-environment-config.ts';

/** True for documents that belong to no environment but feed every environment's effective settings. */
export function isTenantWideLayer(ref: DocumentRef): boolean {
  return (ref.collection === 'settings' && ref.key === 'global') || ref.collection === 'profiles';
}

/**
 * The protected environments whose effective settings a write to `global`
 * or to a profile would change: for each protected environment that has
 * settings layers, every
 * effective configuration in it (its services and instances, and the
 * environment layer itself) is merged before and after the proposed
 * content, and compared by content hash. Sorted environment names.
 *
 * @example await protectedEnvsChangedBy(deps, { tenantId: 'acme', collection: 'settings', key: 'global' }, { replicas: 3 })
 */
export async function protectedEnvsChangedBy(
  deps: Pick<Deps, 'documents'>,
  ref: DocumentRef,
  content: JsonObject,
): Promise<string[]> {
  const settingsKeys = await deps.documents.listKeys(ref.tenantId, 'settings');
  const envsWithSettings = new Set(
    settingsKeys.flatMap((key) => {
      const scope = parseScopeKey(key);
      return scope && scope.kind !== 'global' ? [scope.env] : [];
    }),
  );
  // Why only environments with layers: one without any has no effective settings to change
  // (otherwise a fresh tenant could not write `global` before naming prod's approvers).
  const candidates = [...envsWithSettings].sort();
  const configs = await Promise.all(candidates.map((env) => loadEnvironmentConfig(deps, ref.tenantId, env)));
  const protectedEnvs = configs.filter((c) => c.config.protected).map((c) => c.env);
  if (protectedEnvs.length === 0) return [];
  const targets = effectiveTargets(settingsKeys);
  const before = new DocumentCache(deps.documents, ref.tenantId);
  const after = new DocumentCache(
    deps.documents,
    ref.tenantId,
    [{ collection: ref.collection as 'settings' | 'profiles', key: ref.key, content }],
    undefined,
    before.reads,
  );
  const changed: string[] = [];
  for (const env of protectedEnvs) {
    const scopes: Scope[] = [
      { kind: 'env', env },
      ...targets.filter((t) => t.kind !== 'global' && t.env === env),
    ];
    for (const scope of scopes) {
      const [a, b] = await Promise.all([loadEffective(before, scope), loadEffective(after, scope)]);
      if (contentHash(a.effective.content) !== contentHash(b.effective.content)) {
        changed.push(env);
        break;
      }
    }
  }
  return changed;
}
