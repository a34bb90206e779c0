import { NotFoundError } from '../../domain/errors.ts';
import type { JsonObject } from '../../domain/json-value.ts';
import { effectiveEtag, explainObject, type Provenance } from '../../domain/layers/effective-settings.ts';
import type { Principal } from '../../domain/rbac.ts';
import { type Scope, scopeKey } from '../../domain/scope.ts';
import type { Deps } from '../deps.ts';
import { DocumentCache } from './document-cache.ts';
import { loadEffective } from './load-effective.ts';

/** Input of {@link getEffective}. */
export interface GetEffectiveInput {
  principal: Principal;
  /** A service or instance scope. */
  scope: Extract<Scope, { kind: 'service' | 'instance' }>;
  /** Add per-leaf provenance. */
  explain: boolean;
}

/** The effective settings as the API returns them. */
export interface EffectiveView {
  content: JsonObject;
  layers: { scope: string; version: number }[];
  /** The resource profiles the layers pulled in, with the version used. */
  profiles: { name: string; version: number }[];
  explain?: Record<string, Provenance>;
  /** Strong ETag derived from the layer and profile versions. */
  etag: string;
}

/**
 * Computes the effective settings of a service or instance: the deep merge
 * of its layers (global, environment, service, instance) with `$profile`
 * references expanded. Reads: one parallel round trip: 3-4 Queries
 * (Limit 1, one item each) for the layers and one Query of the tenant's
 * projection for its profiles. No
 * layer at all is a 404 (also for another tenant's names).
 *
 * @example const view = await getEffective(deps, { principal, scope: { kind: 'service', env: 'prod', service: 'api' }, explain: true });
 */
export async function getEffective(
  deps: Pick<Deps, 'documents'>,
  input: GetEffectiveInput,
): Promise<EffectiveView> {
  const cache = new DocumentCache(deps.documents, input.principal.tenantId);
  // Profiles come from the projection in the same round trip as the layers (unused when none is referenced).
  cache.preload(['profiles']).catch(() => undefined);
  const { effective } = await loadEffective(cache, input.scope);
  if (effective.layers.length === 0) throw new NotFoundError(`No settings apply to ${scopeKey(input.scope)}`);
  return {
    content: effective.content,
    layers: effective.layers,
    profiles: effective.profiles,
    ...(input.explain ? { explain: explainObject(effective.provenance) } : {}),
    etag: effectiveEtag(effective.layers, effective.profiles, input.explain),
  };
}
