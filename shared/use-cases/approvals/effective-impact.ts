import {
  type EffectiveInputs,
  type EvaluatedConfiguration,
  evaluateConfiguration,
} from '../../domain/approvals/effective-change.ts';
import { parseScopeKey, type Scope, scopeKey } from '../../domain/scope.ts';
import type { SettingsVersion } from '../../domain/settings-version.ts';
import { mapLimit } from '../concurrency/map-limit.ts';
import type { Deps } from '../deps.ts';
import { DocumentCache, type PendingDocument } from '../effective/document-cache.ts';
import { type LoadedEffective, loadEffective } from '../effective/load-effective.ts';
import { listStoredKeys, type SharedReads } from '../effective/shared-reads.ts';
import { effectiveTargets, isUnder, layerScopes } from '../effective/targets.ts';

/** Input of {@link evaluateEffectiveImpact}. */
export interface ImpactInput {
  tenantId: string;
  /** The proposed content of one settings layer or profile. */
  change: PendingDocument;
  /** The stored version the proposal replaces (the before state); `null` when the document is new. */
  base: SettingsVersion | null;
  /** The environments whose configurations are evaluated. */
  envs: readonly string[];
  /** Scope keys to evaluate as well, whether or not they are still listed (a request's recorded targets). */
  include?: readonly string[];
  /** Reads already made by the same write (its validation step). */
  shared?: SharedReads | undefined;
}

/**
 * The configurations of `envs` a proposal can reach: each environment's own
 * merge and every service and instance in it (a new layer's own scope
 * included), limited to those at or below the proposed layer.
 */
function candidateScopes(settingsKeys: readonly string[], input: ImpactInput): Scope[] {
  const isLayer = input.change.collection === 'settings';
  const layer = isLayer ? parseScopeKey(input.change.key) : undefined;
  const targets = effectiveTargets(isLayer ? [...settingsKeys, input.change.key] : settingsKeys);
  const found = new Map<string, Scope>();
  for (const env of input.envs) {
    const scopes: Scope[] = [
      { kind: 'env', env },
      ...targets.filter((t) => t.kind !== 'global' && t.env === env),
    ];
    for (const scope of scopes) if (!layer || isUnder(scope, layer)) found.set(scopeKey(scope), scope);
  }
  for (const key of input.include ?? []) {
    const scope = parseScopeKey(key);
    if (scope && !found.has(key)) found.set(key, scope);
  }
  return [...found.values()];
}

/** The versions of every document that fed one configuration: layers, profiles, schema, policy. */
function inputsOf(
  scope: Scope,
  loaded: LoadedEffective,
  extra: { schema: number | null | undefined; policy: number | null | undefined },
  input: ImpactInput,
): EffectiveInputs {
  const inputs: EffectiveInputs = {};
  const present = new Map(loaded.effective.layers.map((l) => [l.scope, l.version]));
  for (const layer of layerScopes(scope).map(scopeKey))
    inputs[`settings ${layer}`] = present.get(layer) ?? null;
  for (const p of loaded.effective.profiles) inputs[`profiles ${p.name}`] = p.version;
  if (extra.schema !== undefined && scope.kind !== 'global' && scope.kind !== 'env')
    inputs[`schemas services/${scope.service}`] = extra.schema;
  if (extra.policy !== undefined && scope.kind !== 'global')
    inputs[`policies envs/${scope.env}`] = extra.policy;
  // The proposed document is pending (version 0) in the after state: it counts at its base version.
  const own = `${input.change.collection} ${input.change.key}`;
  if (own in inputs) inputs[own] = input.base?.version ?? null;
  return inputs;
}

/**
 * Evaluates a proposal's effect on the effective configurations of some
 * environments: each configuration's effective settings without and with
 * the proposal, and the versions of the documents that fed it. Reads go
 * through a {@link DocumentCache} over `shared.reads`, so what the write's
 * validation already read is not read again; the configurations are
 * evaluated in parallel (no per-configuration round trip).
 *
 * @example await evaluateEffectiveImpact(deps, { tenantId: 'acme', change: { collection: 'settings', key: 'envs/prod/services/api', content }, base: latest, envs: ['prod'] })
 */
export async function evaluateEffectiveImpact(
  deps: Pick<Deps, 'documents'>,
  input: ImpactInput,
): Promise<EvaluatedConfiguration[]> {
  const shared = input.shared ?? { keys: listStoredKeys(deps, input.tenantId), reads: new Map() };
  const before = new DocumentCache(deps.documents, input.tenantId, [], undefined, shared.reads);
  before.remember(input.change.collection, input.change.key, input.base);
  const after = new DocumentCache(deps.documents, input.tenantId, [input.change], undefined, shared.reads);
  const [settingsKeys, schemaKeys, policyKeys] = await Promise.all([
    shared.keys.settings,
    shared.keys.schemas.then((keys) => new Set(keys)),
    shared.keys.policies.then((keys) => new Set(keys)),
  ]);
  const versionOf = async (collection: 'schemas' | 'policies', key: string, stored: Set<string>) =>
    stored.has(key) ? ((await after.get(collection, key))?.version ?? null) : null;
  // Why mapLimit: with the validation's reads in memory each configuration is CPU work; every
  // protected environment's configurations are evaluated together, yielding between them.
  return mapLimit(candidateScopes(settingsKeys, input), 16, async (scope) => {
    const [was, will, schema, policy] = await Promise.all([
      loadEffective(before, scope),
      loadEffective(after, scope),
      scope.kind === 'service' || scope.kind === 'instance'
        ? versionOf('schemas', `services/${scope.service}`, schemaKeys)
        : undefined,
      scope.kind === 'global' ? undefined : versionOf('policies', `envs/${scope.env}`, policyKeys),
    ]);
    return evaluateConfiguration(
      scopeKey(scope),
      was.effective.content,
      will.effective.content,
      inputsOf(scope, will, { schema, policy }, input),
    );
  });
}
