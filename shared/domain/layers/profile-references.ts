import { escapePointerToken, isJsonObject, type JsonObject, type JsonValue } from '../json-value.ts';
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
export function profileReferences(document: JsonValue): ProfileReference[] {
  const out: ProfileReference[] = [];
  const walk = (node: JsonValue, path: string): void => {
    if (Array.isArray(node)) {
      for (const [i, child] of node.entries()) walk(child, `${path}/${i}`);
    } else if (isJsonObject(node)) {
      for (const [key, child] of Object.entries(node)) {
        if (key === PROFILE_KEY) out.push({ pointer: path, name: child });
        else walk(child, `${path}/${escapePointerToken(key)}`);
      }
    }
  };
  walk(document, '');
  return out;
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
  const pseudo: { depth: number; input: MergeInput<S> }[] = [];
  const strip = (node: JsonValue, tokens: string[], inArray: boolean): JsonValue => {
    if (Array.isArray(node)) return node.map((child) => strip(child, tokens, true));
    if (!isJsonObject(node)) return node;
    const out: JsonObject = {};
    const name = node[PROFILE_KEY];
    const profile = typeof name === 'string' ? profiles.get(name) : undefined;
    if (inArray && profile) Object.assign(out, structuredClone(withoutProfileKeys(profile.content)));
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
      if (key !== PROFILE_KEY) out[key] = strip(child, [...tokens, key], inArray);
    }
    return out;
  };
  const stripped = strip(layer.content, [], false) as JsonObject;
  pseudo.sort((a, b) => a.depth - b.depth);
  return [...pseudo.map((p) => p.input), { content: stripped, source: layer.source }];
}

function nest(tokens: readonly string[], content: JsonObject): JsonObject {
  let out: JsonObject = structuredClone(content);
  for (let i = tokens.length - 1; i >= 0; i--) out = { [tokens[i] as string]: out };
  return out;
}

/** A profile never pulls in another profile: nested `$profile` keys are dropped. */
function withoutProfileKeys(content: JsonObject): JsonObject {
  const walk = (node: JsonValue): JsonValue => {
    if (Array.isArray(node)) return node.map(walk);
    if (!isJsonObject(node)) return node;
    const out: JsonObject = {};
    for (const [key, child] of Object.entries(node)) if (key !== PROFILE_KEY) out[key] = walk(child);
    return out;
  };
  return walk(content) as JsonObject;
}
