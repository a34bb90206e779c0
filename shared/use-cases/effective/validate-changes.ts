import { capViolations, UnprocessableError, type Violation } from '../../domain/errors.ts';
import type { JsonObject, JsonValue } from '../../domain/json-value.ts';
import type { EffectiveSettings, Provenance } from '../../domain/layers/effective-settings.ts';
import { referencedProfileNames } from '../../domain/layers/profile-references.ts';
import { parseScopeKey, type Scope, scopeKey } from '../../domain/scope.ts';
import type { EnvironmentPolicy } from '../../domain/validation/environment-policy.ts';
import type { CompiledServiceSchema, ServiceSchemaDocument } from '../../domain/validation/service-schema.ts';
import {
  dedupeViolations,
  type EffectiveCheck,
  validateEffective,
} from '../../domain/validation/validate-effective.ts';
import { mapLimit } from '../concurrency/map-limit.ts';
import type { Deps } from '../deps.ts';
import { missingSecretReferences } from '../secrets/secret-references.ts';
import {
  DocumentCache,
  type LayeredCollection,
  type PendingDocument,
  type SeenDocument,
} from './document-cache.ts';
import { type LoadedEffective, loadEffective, loadEffectiveNow } from './load-effective.ts';
import { listStoredKeys, preloadTenant, type SharedReads, type StoredKeys } from './shared-reads.ts';
import { brokenSchema, storedPolicy } from './stored-rules.ts';
import { effectiveTargets, layerScopes, sameKeys } from './targets.ts';

/** The result of validating proposed documents against every configuration they change. */
export interface ValidationReport {
  valid: boolean;
  errors: Violation[];
  warnings: Violation[];
  /** The effective configurations that were checked (scope keys). */
  targets: string[];
}

/**
 * Validates proposed documents (settings layers, profiles, schemas,
 * policies) against every effective configuration they change, as if they
 * were written together: a layer checks every service and instance below it
 * (its own partial merge when there is none), a profile every configuration
 * that references it, a schema its service in every environment, a policy
 * every configuration in its environment. Built-in and policy rules apply
 * to all of them, schemas to services that have one. Nothing is written.
 *
 * @example const report = await validateChanges(deps, 'acme', [{ collection: 'settings', key: 'global', content }]);
 */
export async function validateChanges(
  deps: Pick<Deps, 'documents'> & Partial<Pick<Deps, 'secrets'>>,
  tenantId: string,
  changes: readonly PendingDocument[],
  options: {
    focus?: readonly PendingDocument[];
    cache?: DocumentCache;
    keys?: StoredKeys;
    /** The configurations to select from, when the caller computed them for several calls. */
    targets?: Promise<TargetList>;
  } = {},
): Promise<ValidationReport> {
  const cache = options.cache ?? new DocumentCache(deps.documents, tenantId, changes);
  const focus = options.focus ?? changes;
  // Three parallel Queries: which layers, schemas and policies exist, so that absent ones are never read.
  const keys = options.keys ?? listStoredKeys(deps, tenantId);
  const [storedSettings, storedSchemas, storedPolicies] = await Promise.all([
    keys.settings,
    keys.schemas,
    keys.policies,
  ]);
  // Why memoised per stored list: an import validates hundreds of documents against the same
  // thousands of keys; parsing and sorting them once per request keeps the plan near-linear.
  const pendingSchemas = new Set(cache.pendingKeys('schemas'));
  const pendingPolicies = new Set(cache.pendingKeys('policies'));
  const schemaKeys = { has: (k: string) => setOf(storedSchemas).has(k) || pendingSchemas.has(k) };
  const policyKeys = { has: (k: string) => setOf(storedPolicies).has(k) || pendingPolicies.has(k) };
  const all = options.targets
    ? await options.targets
    : targetList(storedSettings, cache.pendingKeys('settings'));
  /** The targets at or below a scope key (every target lies below `global`). */
  const under = (scope: string): readonly Scope[] =>
    scope === 'global' ? all.scopes : (belowIndex(all).get(scope) ?? []);

  const selected = new Map<string, Scope>();
  const add = (scope: Scope) => selected.set(scopeKey(scope), scope);
  for (const change of focus) {
    if (change.collection === 'settings') {
      const scope = parseScopeKey(change.key);
      if (!scope) continue;
      const below = under(change.key);
      if (scope.kind === 'service' || scope.kind === 'instance') add(scope);
      if (below.length === 0) add(scope);
      for (const t of below) add(t);
    } else if (change.collection === 'policies') {
      for (const t of under(change.key)) add(t);
    } else if (change.collection === 'schemas') {
      const service = change.key.replace(/^services\//, '');
      for (const t of all.scopes)
        if ((t.kind === 'service' || t.kind === 'instance') && t.service === service) add(t);
    } else {
      // The index of stored references is built once per memo; pending layers are checked here.
      const index = await profileIndex(cache, storedSettings);
      const pendingLayers = new Set(cache.pendingKeys('settings'));
      const layers = new Set([...(index.get(change.key) ?? [])].filter((key) => !pendingLayers.has(key)));
      for (const key of pendingLayers)
        if (referencesOf(cache.pendingContent('settings', key) ?? {}).includes(change.key)) layers.add(key);
      for (const layer of layers) for (const t of under(layer)) add(t);
    }
  }

  const schemas = new Map<string, Promise<CompiledServiceSchema | undefined>>();
  const schemaOf = (service: string) => {
    let found = schemas.get(service);
    if (!found) {
      const key = `services/${service}`;
      found = (schemaKeys?.has(key) ? cache.get('schemas', key) : Promise.resolve(null)).then(async (doc) => {
        if (!doc) return undefined;
        // The schema compiler (ajv, CEL, RE2) loads with the first schema to compile, not at cold start.
        const { compileServiceSchema } = await import('../../domain/validation/service-schema.ts');
        const compilation = compileServiceSchema(tenantId, doc.content as unknown as ServiceSchemaDocument);
        return compilation.compiled ?? brokenSchema(service, compilation.violations);
      });
      schemas.set(service, found);
    }
    return found;
  };

  const { secrets } = deps;
  /** The violations of one configuration, without its secret references'. */
  const check = (
    key: string,
    target: Scope,
    loaded: LoadedEffective,
    policyDoc: SeenDocument | null,
    schema: CompiledServiceSchema | undefined,
  ): { errors: Violation[]; warnings: Violation[] } => {
    const stored =
      policyDoc && target.kind !== 'global' ? storedPolicy(target.env, policyDoc.content) : undefined;
    const outcome = validateEffective(new EffectiveCheckOf(key, loaded.effective, stored?.policy, schema));
    if (stored?.violation) outcome.errors.push({ ...stored.violation, target: key });
    if (loaded.profileProblems.length === 0) return outcome;
    return {
      errors: [...loaded.profileProblems.map((p) => ({ ...p, target: key })), ...outcome.errors],
      warnings: outcome.warnings,
    };
  };
  /** One configuration, when everything it needs is in memory (no promise); `undefined` otherwise. */
  const checkNow = (key: string, target: Scope) => {
    const loaded = loadEffectiveNow(cache, target);
    if (!loaded) return undefined;
    const policyDoc =
      target.kind === 'global' || !policyKeys.has(`envs/${target.env}`)
        ? null
        : cache.peek('policies', `envs/${target.env}`);
    // A schema compiles asynchronously; a reference to a secret is checked against the secret store.
    if (policyDoc === undefined) return undefined;
    if (
      (target.kind === 'service' || target.kind === 'instance') &&
      schemaKeys.has(`services/${target.service}`)
    )
      return undefined;
    if (secrets && target.kind !== 'global' && mayReferenceSecrets(cache, loaded)) return undefined;
    return check(key, target, loaded, policyDoc, undefined);
  };
  const checkLater = async (key: string, target: Scope) => {
    const [loaded, policyDoc, schema] = await Promise.all([
      loadEffective(cache, target),
      target.kind === 'global' || !policyKeys.has(`envs/${target.env}`)
        ? null
        : cache.get('policies', `envs/${target.env}`),
      target.kind === 'service' || target.kind === 'instance' ? schemaOf(target.service) : undefined,
    ]);
    const { errors, warnings } = check(key, target, loaded, policyDoc, schema);
    // Secret references must name a secret of each environment they reach (issue 13).
    const missing =
      secrets && target.kind !== 'global'
        ? await missingSecretReferences({ secrets }, tenantId, target.env, key, loaded.effective.content)
        : [];
    return { errors: [...errors, ...missing], warnings };
  };

  // Why in slices: with a preloaded memo each configuration is CPU work with nothing to wait for;
  // the loop yields to the event loop between slices so that other requests (other tenants') are
  // not held until thousands of them are validated. Configurations that need a read, a schema
  // compilation or the secret store go through mapLimit afterwards.
  const entries = [...selected.entries()];
  const results = new Array<{ errors: Violation[]; warnings: Violation[] }>(entries.length);
  const later: number[] = [];
  for (let i = 0; i < entries.length; i++) {
    if (i > 0 && i % CHECKS_PER_SLICE === 0) await new Promise<void>((resolve) => setImmediate(resolve));
    const [key, target] = entries[i] as [string, Scope];
    const now = checkNow(key, target);
    if (now) results[i] = now;
    else later.push(i);
  }
  await mapLimit(later, VALIDATIONS_IN_FLIGHT, async (i) => {
    const [key, target] = entries[i] as [string, Scope];
    results[i] = await checkLater(key, target);
  });
  const errors = dedupeViolations(results.flatMap((r) => r.errors));
  const warnings = capViolations(dedupeViolations(results.flatMap((r) => r.warnings)));
  return { valid: errors.length === 0, errors, warnings, targets: [...selected.keys()] };
}

/**
 * What one configuration's check needs. A class: its `provenance` getter
 * (the provenance walk runs only when a violation needs its layer named)
 * lives on the prototype, not on an object built per configuration.
 */
class EffectiveCheckOf implements EffectiveCheck {
  constructor(
    readonly target: string,
    readonly effective: EffectiveSettings,
    readonly policy: EnvironmentPolicy | undefined,
    readonly schema: CompiledServiceSchema | undefined,
  ) {}

  get content(): JsonObject {
    return this.effective.content;
  }

  get provenance(): ReadonlyMap<string, Provenance> {
    return this.effective.provenance;
  }
}

/** A tenant's effective configurations, sorted, with their scope keys. */
export interface TargetList {
  scopes: Scope[];
  keys: string[];
}

const storedTargets = new WeakMap<readonly string[], TargetList>();
/** The target lists of the last few stored key lists (compared element by element). */
const recentLists: { stored: readonly string[]; list: TargetList }[] = [];
const RECENT_LISTS = 4;
const keySets = new WeakMap<readonly string[], ReadonlySet<string>>();

/** A Set of a stored key list, built once per list (lists are never mutated). */
function setOf(keys: readonly string[]): ReadonlySet<string> {
  let found = keySets.get(keys);
  if (!found) {
    found = new Set(keys);
    keySets.set(keys, found);
  }
  return found;
}

/**
 * The configurations of the stored layers (computed once per stored key
 * list) merged with those only pending layers add, in `effectiveTargets`
 * order.
 */
function targetList(stored: readonly string[], pending: readonly string[]): TargetList {
  let base = storedTargets.get(stored) ?? recentLists.find((entry) => sameKeys(entry.stored, stored))?.list;
  if (!base) {
    const scopes = effectiveTargets(stored);
    base = { scopes, keys: scopes.map(scopeKey) };
    // Why also by content: each wide write lists the same keys in a new array.
    recentLists.unshift({ stored: [...stored], list: base });
    recentLists.length = Math.min(recentLists.length, RECENT_LISTS);
  }
  storedTargets.set(stored, base);
  if (pending.length === 0) return base;
  const known = setOf(base.keys);
  const extra = effectiveTargets(pending).filter((t) => !known.has(scopeKey(t)));
  if (extra.length === 0) return base;
  const extraKeys = extra.map(scopeKey);
  const merged: TargetList = { scopes: [], keys: [] };
  let i = 0;
  let j = 0;
  while (i < base.keys.length || j < extraKeys.length) {
    const fromBase =
      j >= extraKeys.length ||
      (i < base.keys.length && (base.keys[i] as string).localeCompare(extraKeys[j] as string) <= 0);
    merged.scopes.push((fromBase ? base.scopes[i++] : extra[j++]) as Scope);
    merged.keys.push(scopeKey(merged.scopes.at(-1) as Scope));
  }
  return merged;
}

const belowIndexes = new WeakMap<TargetList, Map<string, Scope[]>>();

/**
 * Layer scope key (below `global`) -> the targets at or below it, in list
 * order, built once per target list: a profile write looks up each layer
 * that references it instead of filtering every configuration per layer.
 */
function belowIndex(list: TargetList): Map<string, Scope[]> {
  let index = belowIndexes.get(list);
  if (!index) {
    index = new Map();
    for (const target of list.scopes)
      for (const layer of layerScopes(target).slice(1)) {
        const key = scopeKey(layer);
        let below = index.get(key);
        if (!below) {
          below = [];
          index.set(key, below);
        }
        below.push(target);
      }
    belowIndexes.set(list, index);
  }
  return index;
}

/** The configurations of each set of documents validated one by one (an import's), computed once. */
const setTargets = new WeakMap<readonly PendingDocument[], Promise<TargetList>>();

/** Configurations one validation evaluates at a time (their reads are shared and usually in memory). */
const VALIDATIONS_IN_FLIGHT = 16;

/** Configurations checked from memory between two yields to the event loop (about a millisecond). */
const CHECKS_PER_SLICE = 64;

/** Whether a content object holds a `$secret` key at any depth, per object (contents are never mutated). */
const secretKeys = new WeakMap<object, boolean>();

function holdsSecretKey(node: JsonValue): boolean {
  if (node === null || typeof node !== 'object') return false;
  let found = secretKeys.get(node);
  if (found === undefined) {
    found = Array.isArray(node)
      ? node.some(holdsSecretKey)
      : Object.hasOwn(node, '$secret') || Object.values(node).some(holdsSecretKey);
    secretKeys.set(node, found);
  }
  return found;
}

/**
 * False when no layer or profile of a configuration holds a `$secret` key:
 * its effective content (made of theirs) then references no secret, and the
 * secret store need not be asked.
 */
function mayReferenceSecrets(cache: DocumentCache, loaded: LoadedEffective): boolean {
  return (
    loaded.layers.some((layer) => holdsSecretKey(layer.content)) ||
    loaded.effective.profiles.some(({ name }) => {
      const profile = cache.peek('profiles', name);
      return profile === undefined || (profile !== null && holdsSecretKey(profile.content));
    })
  );
}

/** Profile names referenced by a content object, computed once per object (contents are never mutated). */
const references = new WeakMap<object, string[]>();

function referencesOf(content: PendingDocument['content']): string[] {
  let found = references.get(content);
  if (!found) {
    found = referencedProfileNames(content);
    references.set(content, found);
  }
  return found;
}

/** The stored layers referencing each profile, per memo of stored reads (one request). */
const indexes = new WeakMap<DocumentCache['reads'], Promise<Map<string, Set<string>>>>();

/**
 * Profile name -> the stored settings layers that reference it, built once
 * per memo of stored reads: a profile's configurations are then found
 * without scanning every configuration's layers for every profile (an
 * import of many documents stays near-linear).
 */
function profileIndex(
  cache: DocumentCache,
  settingsKeys: readonly string[],
): Promise<Map<string, Set<string>>> {
  const found = indexes.get(cache.reads);
  if (found) return found;
  // A cache without pending content over the same memo: the index holds stored references only.
  const stored = new DocumentCache(cache.store, cache.tenantId, [], undefined, cache.reads);
  const index = mapLimit(settingsKeys, VALIDATIONS_IN_FLIGHT, async (key) => ({
    key,
    names: referencesOf((await stored.get('settings', key))?.content ?? {}),
  })).then((layers) => {
    const byProfile = new Map<string, Set<string>>();
    for (const { key, names } of layers)
      for (const name of names) byProfile.set(name, (byProfile.get(name) ?? new Set()).add(key));
    return byProfile;
  });
  indexes.set(cache.reads, index);
  return index;
}

/**
 * Validates one document of a set proposed together (an import) and keeps
 * only what that document causes: the violations found with it, minus those
 * found in the same configurations without it (so one invalid document does
 * not make every other document of the set invalid). Stored reads are
 * shared through `reads`, and the catalog Queries through `keys` (pass one
 * {@link listStoredKeys} to every document of the set).
 *
 * @example const report = await validateOneOfMany(deps, 'acme', pending, pending[0], new Map());
 */
export async function validateOneOfMany(
  deps: Pick<Deps, 'documents'>,
  tenantId: string,
  pending: readonly PendingDocument[],
  doc: PendingDocument,
  reads: DocumentCache['reads'],
  keys: StoredKeys = listStoredKeys(deps, tenantId),
): Promise<ValidationReport> {
  const others = pending.filter((p) => p.collection !== doc.collection || p.key !== doc.key);
  // Why one list for both calls, once per set: the configurations the set's layers create, selected
  // relative to `doc`, are the same with and without it (a layer's own scope is selected either way).
  let targets = setTargets.get(pending);
  if (!targets) {
    const layers = pending.filter((p) => p.collection === 'settings').map((p) => p.key);
    targets = keys.settings.then((stored) => targetList(stored, layers));
    setTargets.set(pending, targets);
  }
  const [withDoc, without] = await Promise.all([
    validateChanges(deps, tenantId, pending, {
      focus: [doc],
      keys,
      targets,
      cache: new DocumentCache(deps.documents, tenantId, pending, undefined, reads),
    }),
    validateChanges(deps, tenantId, others, {
      focus: [doc],
      keys,
      targets,
      cache: new DocumentCache(deps.documents, tenantId, others, undefined, reads),
    }),
  ]);
  const id = (v: Violation) => JSON.stringify([v.target, v.pointer, v.rule, v.value, v.message]);
  const before = new Set([...without.errors, ...without.warnings].map(id));
  const errors = withDoc.errors.filter((v) => !before.has(id(v)));
  const warnings = withDoc.warnings.filter((v) => !before.has(id(v)));
  return { valid: errors.length === 0, errors, warnings, targets: withDoc.targets };
}

/** True for writes whose validation reaches many configurations: `global`, an environment layer, a profile, a policy. */
export function isWideChange(collection: LayeredCollection, key: string): boolean {
  if (collection === 'profiles' || collection === 'policies') return true;
  if (collection !== 'settings') return false;
  const scope = parseScopeKey(key);
  return scope?.kind === 'global' || scope?.kind === 'env';
}

/**
 * What the catalog listings of a narrow write need: a service or instance
 * layer only the layers below it (its instances), its schema and its
 * environment's policy. A schema write checks its service in every
 * environment, so it lists every layer.
 */
function narrowPrefixes(
  collection: LayeredCollection,
  key: string,
): Partial<Record<'settings' | 'schemas' | 'policies', string>> {
  const scope = collection === 'settings' ? parseScopeKey(key) : undefined;
  if (!scope || (scope.kind !== 'service' && scope.kind !== 'instance')) return {};
  return { settings: `${key}/`, schemas: `services/${scope.service}`, policies: `envs/${scope.env}` };
}

/**
 * Starts, in the write's first round trip, the reads its validation of one
 * configuration needs: the layers of the scope, the profiles (projection),
 * the service's schema and the environment's policy.
 */
function prefetchNarrow(cache: DocumentCache, collection: LayeredCollection, key: string): void {
  const scope = collection === 'settings' ? parseScopeKey(key) : undefined;
  const service = collection === 'schemas' ? key.replace(/^services\//, '') : undefined;
  cache.preload(['profiles']).catch(() => undefined);
  if (scope && scope.kind !== 'global') {
    // Not the document itself: the write path reads its latest version.
    for (const layer of layerScopes(scope).slice(0, -1))
      cache.get('settings', scopeKey(layer)).catch(() => undefined);
    cache.get('policies', `envs/${scope.env}`).catch(() => undefined);
    if (scope.kind !== 'env') cache.get('schemas', `services/${scope.service}`).catch(() => undefined);
  }
  if (service !== undefined) cache.get('settings', 'global').catch(() => undefined);
}

/**
 * Throws an {@link UnprocessableError} (422) listing every error of the
 * report; returns its warnings otherwise.
 */
export function assertValid(report: ValidationReport, what: string): { warnings: Violation[] } {
  if (!report.valid) {
    const n = report.errors.length;
    throw new UnprocessableError(
      `${what} would break ${n} validation rule${n === 1 ? '' : 's'} in ${report.targets.length} configuration(s); nothing was written`,
      report.errors,
      report.warnings,
    );
  }
  return { warnings: report.warnings };
}

/**
 * The validation step of a write of one document (`writeNextVersion`'s
 * `validate` hook): validates the new content against every configuration
 * it changes and stops the write with a 422 on any error.
 */
export function validatorFor(
  deps: Pick<Deps, 'documents'>,
  tenantId: string,
  collection: PendingDocument['collection'],
  key: string,
) {
  // Why start now: these reads need only the tenant and the key, so they run while the write
  // path reads the latest version: the write takes one read round trip, then its put.
  const stored = new DocumentCache(deps.documents, tenantId);
  // A wide write reads the tenant's documents whole (a number of requests that does not grow per
  // service); a narrow one its own layers, profiles, schema and policy, and the catalogs.
  const wide = isWideChange(collection, key);
  const shared: SharedReads = wide
    ? preloadTenant(stored, { collection, key, content: {} })
    : { keys: listStoredKeys(deps, tenantId, narrowPrefixes(collection, key)), reads: stored.reads };
  if (!wide) prefetchNarrow(stored, collection, key);
  const validate = async (content: PendingDocument['content']): Promise<{ warnings: Violation[] }> => {
    const change = { collection, key, content };
    const cache = new DocumentCache(deps.documents, tenantId, [change], undefined, shared.reads);
    return assertValid(
      await validateChanges(deps, tenantId, [change], { keys: shared.keys, cache }),
      `This change to ${collection === 'settings' ? key : `${collection}/${key}`}`,
    );
  };
  // The approval step of the same write reuses these reads (see gateProtectedWrite).
  return Object.assign(validate, { shared });
}
