import type { Violation } from '../../domain/errors.ts';
import {
  computeEffective,
  type EffectiveSettings,
  type LayerSnapshot,
} from '../../domain/layers/effective-settings.ts';
import {
  type ProfileContent,
  type ProfileReference,
  profileReferences,
} from '../../domain/layers/profile-references.ts';
import { type Scope, scopeKey } from '../../domain/scope.ts';
import type { DocumentCache, SeenDocument } from './document-cache.ts';
import { layerScopes } from './targets.ts';

/** Effective settings plus what the merge could not resolve. */
export interface LoadedEffective {
  effective: EffectiveSettings;
  /** The layers that exist, lowest first, with content. */
  layers: LayerSnapshot[];
  /** `$profile` references to profiles that do not exist, or that are not names. */
  profileProblems: Violation[];
}

/**
 * Reads the layers of `scope` (in parallel: one round trip), then, only if
 * they reference resource profiles, those profiles (in parallel: a second
 * round trip), and merges them.
 *
 * @example const { effective } = await loadEffective(cache, { kind: 'service', env: 'prod', service: 'api' });
 */
export async function loadEffective(cache: DocumentCache, scope: Scope): Promise<LoadedEffective> {
  const scopes = layerScopes(scope).map(scopeKey);
  const found = await Promise.all(scopes.map((key) => cache.get('settings', key)));
  const { layers, refs, names } = layersOf(scopes, found);
  const profileDocs = await Promise.all(names.map((name) => cache.get('profiles', name)));
  return assemble(layers, refs, names, profileDocs);
}

/**
 * {@link loadEffective} without a promise, when every document it needs is
 * known without waiting ({@link DocumentCache.peek}: a preloaded tenant);
 * `undefined` otherwise. The same answer, for thousands of configurations
 * validated from memory.
 */
export function loadEffectiveNow(cache: DocumentCache, scope: Scope): LoadedEffective | undefined {
  const scopes = layerKeys(scope);
  const found: (SeenDocument | null)[] = [];
  for (const key of scopes) {
    const doc = cache.peek('settings', key);
    if (doc === undefined) return undefined;
    found.push(doc);
  }
  const { layers, refs, names } = layersOf(scopes, found);
  const profileDocs: (SeenDocument | null)[] = [];
  for (const name of names) {
    const doc = cache.peek('profiles', name);
    if (doc === undefined) return undefined;
    profileDocs.push(doc);
  }
  return assemble(layers, refs, names, profileDocs);
}

/** The layer scope keys of a scope, computed once per scope object (targets are shared across calls). */
const layerKeysOf = new WeakMap<Scope, string[]>();

function layerKeys(scope: Scope): string[] {
  let keys = layerKeysOf.get(scope);
  if (!keys) {
    keys = layerScopes(scope).map(scopeKey);
    layerKeysOf.set(scope, keys);
  }
  return keys;
}

/** A stored layer as every configuration that merges it sees it (one per frozen document: documents are shared). */
interface LayerFacts {
  layer: LayerSnapshot;
  refs: readonly ProfileReference[];
}

const layerFacts = new WeakMap<SeenDocument, LayerFacts>();

/** The facts of a layer document at a scope, kept for frozen documents (a tenant's cached ones). */
function factsOf(doc: SeenDocument, scope: string): LayerFacts {
  const held = layerFacts.get(doc);
  if (held?.layer.scope === scope) return held;
  const source = { scope, version: doc.version, author: doc.author, createdAt: doc.createdAt };
  const frozen = Object.isFrozen(doc);
  const facts: LayerFacts = {
    layer: { ...source, content: doc.content },
    refs: profileReferences(doc.content),
  };
  if (frozen) {
    // Not enumerable: a layer reads the same as one built without it.
    Object.defineProperty(facts.layer, 'source', { value: Object.freeze(source), enumerable: false });
    Object.freeze(facts.layer);
    layerFacts.set(doc, facts);
  }
  return facts;
}

type LayerRef = ProfileReference & { layer: LayerSnapshot };

/** The layers that exist, their `$profile` references and the distinct names they reference. */
function layersOf(
  scopes: readonly string[],
  found: readonly (SeenDocument | null)[],
): { layers: LayerSnapshot[]; refs: LayerRef[]; names: string[] } {
  const layers: LayerSnapshot[] = [];
  const refs: LayerRef[] = [];
  const names: string[] = [];
  for (let i = 0; i < found.length; i++) {
    const doc = found[i];
    if (!doc) continue;
    const facts = factsOf(doc, scopes[i] as string);
    const layer = facts.layer;
    layers.push(layer);
    for (const ref of facts.refs) {
      refs.push({ ...ref, layer });
      if (typeof ref.name === 'string' && !names.includes(ref.name)) names.push(ref.name);
    }
  }
  return { layers, refs, names };
}

/** Merges the layers with the profiles found, listing references to profiles that are missing or not names. */
function assemble(
  layers: LayerSnapshot[],
  refs: readonly LayerRef[],
  names: readonly string[],
  profileDocs: readonly (SeenDocument | null)[],
): LoadedEffective {
  const profiles = new Map<string, ProfileContent>();
  names.forEach((name, i) => {
    const doc = profileDocs[i];
    if (doc) profiles.set(name, { version: doc.version, content: doc.content });
  });
  const profileProblems: Violation[] = [];
  for (const ref of refs) {
    const pointer = `${ref.pointer}/$profile`;
    if (typeof ref.name !== 'string') {
      profileProblems.push({
        pointer,
        rule: 'profile.type',
        value: ref.name,
        message: '$profile must be the name of a profile',
        scope: ref.layer.scope,
      });
    } else if (!profiles.has(ref.name)) {
      profileProblems.push({
        pointer,
        rule: 'profile.unknown',
        value: ref.name,
        message: `profile '${ref.name}' does not exist`,
        hint: `Create it first (plumb profiles put ${ref.name} -f file, or plumb profiles load-examples)`,
        scope: ref.layer.scope,
      });
    }
  }
  return { effective: computeEffective(layers, profiles), layers, profileProblems };
}
