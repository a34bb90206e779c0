import type { Violation } from '../errors.ts';
import {
  countLeaves,
  escapePointerToken,
  isJsonObject,
  type JsonObject,
  type JsonValue,
  ownValue,
  setOwn,
} from '../json-value.ts';
import type { MergeInput } from './merge-layers.ts';

/** The key that pulls a resource profile into the object that holds it. */
export const PROFILE_KEY = '$profile';

/** Name of a resource profile: lowercase letters, digits, `_` and `-`. */
export const PROFILE_NAME_PATTERN = /^[a-z0-9][a-z0-9_-]{0,62}$/;

/** A resource profile as the merge sees it. */
export interface ProfileContent {
  version: number;
  content: JsonObject;
}

/** One `{"$profile": name}` found in a document. */
export interface ProfileReference {
  /** Pointer of the object that holds `$profile`. */
  pointer: string;
  /** The referenced name; not a string when the document is malformed. */
  name: JsonValue;
}

/**
 * Lists every `$profile` reference in a document, at any depth (also inside
 * arrays).
 *
 * @example profileReferences({ web: { $profile: 'minimal' } }) // [{ pointer: '/web', name: 'minimal' }]
 */
export function profileReferences(document: JsonValue): readonly ProfileReference[] {
  // Why only frozen documents are remembered: they cannot change (a tenant's cached contents are
  // frozen and shared by every configuration that merges them).
  const frozen = document !== null && typeof document === 'object' && Object.isFrozen(document);
  const known = frozen ? referencesOf.get(document) : undefined;
  if (known) return known;
  const out: ProfileReference[] = [];
  collectReferences(document, '', out);
  if (frozen) referencesOf.set(document, Object.freeze(out));
  return out;
}

/** The references of each frozen document, found once. */
const referencesOf = new WeakMap<object, readonly ProfileReference[]>();

// A module-level function, not a closure per call: this runs for every layer of every configuration a
// wide write validates (tens of thousands of calls), where a fresh closure per call shows in profiles.
function collectReferences(node: JsonValue, path: string, out: ProfileReference[]): void {
  if (Array.isArray(node)) {
    for (let i = 0; i < node.length; i++) collectReferences(node[i] as JsonValue, `${path}/${i}`, out);
  } else if (isJsonObject(node)) {
    for (const key of Object.keys(node)) {
      const child = node[key] as JsonValue;
      if (key === PROFILE_KEY) out.push({ pointer: path, name: child });
      else collectReferences(child, `${path}/${escapePointerToken(key)}`, out);
    }
  }
}

/** The distinct profile names a document references (strings only). */
export function referencedProfileNames(document: JsonValue): string[] {
  return [
    ...new Set(
      profileReferences(document).flatMap((ref) => (typeof ref.name === 'string' ? [ref.name] : [])),
    ),
  ];
}

/**
 * Turns one layer that may hold `$profile` references into the layers the
 * merge sees: for each reference outside arrays, a pseudo-layer holding the
 * profile's content at that place (just below the layer, so the layer's own
 * keys override it; shallower references first, so a deeper reference wins
 * over a shallower one), then the layer without its `$profile` keys. Inside
 * arrays (which are replaced whole) a reference is expanded in place.
 * Unknown profiles contribute nothing (writes reject them beforehand).
 *
 * @example expandProfiles({ content: { $profile: 'minimal', replicas: 3 }, source: s }, profiles, (src, name, p) => ({ ...src, profile: name }))
 */
export function expandProfiles<S>(
  layer: MergeInput<S>,
  profiles: ReadonlyMap<string, ProfileContent>,
  profileSource: (source: S, name: string, profile: ProfileContent) => S,
): MergeInput<S>[] {
  // Most layers reference no profile: merged as they are (the merge never modifies its inputs).
  if (!holdsProfileKey(layer.content)) return [layer];
  const pseudo: { depth: number; input: MergeInput<S> }[] = [];
  const strip = (node: JsonValue, tokens: string[], inArray: boolean): JsonValue => {
    if (Array.isArray(node)) return node.map((child) => strip(child, tokens, true));
    if (!isJsonObject(node)) return node;
    const out: JsonObject = {};
    const name = ownValue(node, PROFILE_KEY);
    const profile = typeof name === 'string' ? profiles.get(name) : undefined;
    if (inArray && profile) {
      for (const [key, child] of Object.entries(withoutProfileKeys(profile.content))) setOwn(out, key, child);
    }
    if (!inArray && profile && typeof name === 'string') {
      pseudo.push({
        depth: tokens.length,
        input: {
          content: nest(tokens, withoutProfileKeys(profile.content)),
          source: profileSource(layer.source, name, profile),
        },
      });
    }
    for (const [key, child] of Object.entries(node)) {
      if (key !== PROFILE_KEY) setOwn(out, key, strip(child, [...tokens, key], inArray));
    }
    return out;
  };
  const stripped = strip(layer.content, [], false) as JsonObject;
  pseudo.sort((a, b) => a.depth - b.depth);
  return [...pseudo.map((p) => p.input), { content: stripped, source: layer.source }];
}

/** True when `node` holds a `$profile` key at any depth (no allocation: it runs for every layer merged). */
function holdsProfileKey(node: JsonValue): boolean {
  if (Array.isArray(node)) {
    for (const child of node) if (holdsProfileKey(child)) return true;
  } else if (isJsonObject(node)) {
    for (const key of Object.keys(node))
      if (key === PROFILE_KEY || holdsProfileKey(node[key] as JsonValue)) return true;
  }
  return false;
}

/** `content` wrapped in one object per token, each key an own data property (`__proto__` too). */
function nest(tokens: readonly string[], content: JsonObject): JsonObject {
  let out: JsonObject = content;
  for (let i = tokens.length - 1; i >= 0; i--) {
    const wrapper: JsonObject = {};
    setOwn(wrapper, tokens[i] as string, out);
    out = wrapper;
  }
  return out;
}

/** A fresh copy without nested `$profile` keys: a profile never pulls in another profile. */
function withoutProfileKeys(content: JsonObject): JsonObject {
  const walk = (node: JsonValue): JsonValue => {
    if (Array.isArray(node)) return node.map(walk);
    if (!isJsonObject(node)) return node;
    const out: JsonObject = {};
    for (const [key, child] of Object.entries(node)) if (key !== PROFILE_KEY) setOwn(out, key, walk(child));
    return out;
  };
  return walk(content) as JsonObject;
}

/** Most `$profile` references one document (a settings layer) may hold. */
export const MAX_PROFILE_REFERENCES = 50;

/** Most leaves (scalars and empty containers, array items included) the expansion of all references of one effective configuration may produce. */
export const MAX_EXPANDED_LEAVES = 20_000;

/**
 * Checks the cost of expanding the `$profile` references of `layers` before any expansion: a
 * layer with more than {@link MAX_PROFILE_REFERENCES} references, or references whose profiles
 * add up to more than {@link MAX_EXPANDED_LEAVES} leaves, gives one violation naming the first
 * reference over the limit (pointer and layer scope).
 *
 * @example profileExpansionViolations([{ scope: 'global', content: { $profile: 'p' } }], new Map()) // []
 */
export function profileExpansionViolations(
  layers: readonly { scope: string; content: JsonObject }[],
  profiles: ReadonlyMap<string, ProfileContent>,
): Violation[] {
  const out: Violation[] = [];
  const sizes = new Map<string, number>();
  let expanded = 0;
  let overLeaves = false;
  for (const layer of layers) {
    const refs = profileReferences(layer.content);
    const extra = refs[MAX_PROFILE_REFERENCES];
    if (extra) {
      out.push({
        pointer: `${extra.pointer}/${PROFILE_KEY}`,
        rule: 'profile.max-references',
        value: refs.length,
        message: `the layer holds ${refs.length} $profile references; at most ${MAX_PROFILE_REFERENCES} are allowed`,
        hint: 'Reference a profile once higher up, or merge several profiles into one',
        scope: layer.scope,
      });
    }
    for (const ref of refs) {
      const profile = typeof ref.name === 'string' ? profiles.get(ref.name) : undefined;
      if (overLeaves || !profile || typeof ref.name !== 'string') continue;
      let size = sizes.get(ref.name);
      if (size === undefined) {
        size = countLeaves(profile.content);
        sizes.set(ref.name, size);
      }
      expanded += size;
      if (expanded > MAX_EXPANDED_LEAVES) {
        overLeaves = true;
        out.push({
          pointer: `${ref.pointer}/${PROFILE_KEY}`,
          rule: 'profile.max-expanded-leaves',
          value: ref.name,
          message: `expanding the $profile references up to this one produces ${expanded} leaves; at most ${MAX_EXPANDED_LEAVES} are allowed`,
          hint: 'Reference large profiles fewer times, or make them smaller',
          scope: layer.scope,
        });
      }
    }
  }
  return out;
}
