import type { Violation } from '../../domain/errors.ts';
import {
  computeEffective,
  type EffectiveSettings,
  type LayerSnapshot,
} from '../../domain/layers/effective-settings.ts';
import { type ProfileContent, profileReferences } from '../../domain/layers/profile-references.ts';
import { type Scope, scopeKey } from '../../domain/scope.ts';
import type { DocumentCache } from './document-cache.ts';
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
  const layers: LayerSnapshot[] = [];
  found.forEach((doc, i) => {
    if (doc)
      layers.push({
        scope: scopes[i] as string,
        version: doc.version,
        author: doc.author,
        createdAt: doc.createdAt,
        content: doc.content,
      });
  });
  const refs = layers.flatMap((layer) => profileReferences(layer.content).map((ref) => ({ ...ref, layer })));
  const names = [...new Set(refs.flatMap((ref) => (typeof ref.name === 'string' ? [ref.name] : [])))];
  const profileDocs = await Promise.all(names.map((name) => cache.get('profiles', name)));
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
