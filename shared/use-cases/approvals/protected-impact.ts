import type { EvaluatedConfiguration } from '../../domain/approvals/effective-change.ts';
import { environmentConfigFromContent } from '../../domain/approvals/environment-config.ts';
import type { JsonObject } from '../../domain/json-value.ts';
import { parseScopeKey, scopeEnv } from '../../domain/scope.ts';
import type { SettingsVersion } from '../../domain/settings-version.ts';
import type { DocumentRef } from '../../ports/document-store.ts';
import type { Deps } from '../deps.ts';
import { DocumentCache } from '../effective/document-cache.ts';
import { preloadTenant, type SharedReads } from '../effective/shared-reads.ts';
import { loadEnvironmentConfig } from '../environments/load-environment-config.ts';
import { evaluateEffectiveImpact } from './effective-impact.ts';

/** True for documents that belong to no environment but feed every environment's effective settings. */
export function isTenantWideLayer(ref: DocumentRef): boolean {
  return (ref.collection === 'settings' && ref.key === 'global') || ref.collection === 'profiles';
}

/**
 * The reads of a check that no validation step made for it (the apply step
 * of a change request): the tenant's documents whole from its projection,
 * in a number of requests that does not grow per service.
 */
function tenantReads(deps: Pick<Deps, 'documents'>, tenantId: string): SharedReads {
  return preloadTenant(new DocumentCache(deps.documents, tenantId));
}

/** What a write to `global` or to a profile does to the protected environments. */
export interface ProtectedImpact {
  /** The protected environments whose effective settings change, sorted. */
  envs: string[];
  /** Every configuration of every protected environment, evaluated without and with the proposal. */
  configurations: EvaluatedConfiguration[];
}

/**
 * The effect of a write to `global` or to a profile on the protected
 * environments: for each protected environment that has settings layers,
 * every effective configuration in it (the environment's own merge, its
 * services and instances) is merged before and after the proposed content
 * and compared by content hash, every protected environment in parallel,
 * from the reads of the write's validation (`shared`). `include` names configurations to
 * evaluate as well (a request's recorded ones, at apply time).
 *
 * @example (await protectedImpact(deps, { tenantId: 'acme', collection: 'settings', key: 'global' }, { replicas: 3 }, latest)).envs // ['prod']
 */
export async function protectedImpact(
  deps: Pick<Deps, 'documents'>,
  ref: DocumentRef,
  content: JsonObject,
  base: SettingsVersion | null,
  shared?: SharedReads,
  include: readonly string[] = [],
): Promise<ProtectedImpact> {
  const reads: SharedReads = shared ?? tenantReads(deps, ref.tenantId);
  const settingsKeys = await reads.keys.settings;
  const envsWithSettings = new Set(
    settingsKeys.flatMap((key) => {
      const scope = parseScopeKey(key);
      return scope && scope.kind !== 'global' ? [scope.env] : [];
    }),
  );
  // Why only environments with layers: one without any has no effective settings to change
  // (otherwise a fresh tenant could not write `global` before naming prod's approvers).
  const candidates = [...envsWithSettings].sort();
  // From the same read as the documents when the tenant was read whole; one Query per environment otherwise.
  const stored = await reads.environments;
  const configs = await Promise.all(
    candidates.map((env) =>
      stored
        ? { env, config: environmentConfigFromContent(env, stored.get(env) ?? null) }
        : loadEnvironmentConfig(deps, ref.tenantId, env),
    ),
  );
  const protectedEnvs = configs.filter((c) => c.config.protected).map((c) => c.env);
  if (protectedEnvs.length === 0 && include.length === 0) return { envs: [], configurations: [] };
  const configurations = await evaluateEffectiveImpact(deps, {
    tenantId: ref.tenantId,
    change: { collection: ref.collection as 'settings' | 'profiles', key: ref.key, content },
    base,
    envs: protectedEnvs,
    include,
    shared: reads,
  });
  const changed = new Set(
    configurations
      .filter((c) => c.changed)
      .map((c) => scopeEnv(parseScopeKey(c.target) ?? { kind: 'global' })),
  );
  return { envs: protectedEnvs.filter((env) => changed.has(env)), configurations };
}
