import { createHash } from 'node:crypto';
import { UnprocessableError } from '../errors.ts';
import type { JsonObject } from '../json-value.ts';
import { type MergeResult, mergeLayers } from './merge-layers.ts';
import {
  expandProfiles,
  type ProfileContent,
  profileExpansionViolations,
  profileReferences,
  referencedProfileNames,
} from './profile-references.ts';

/** The latest (or chosen) version of one settings layer, as the merge needs it. */
export interface LayerSnapshot {
  /** Scope key: `global`, `envs/prod`, `envs/prod/services/api` ... */
  scope: string;
  version: number;
  author: string;
  createdAt: string;
  content: JsonObject;
  /**
   * The provenance of this layer's leaves, when the caller keeps one object
   * per layer (shared by every configuration that merges it); built from
   * the fields above otherwise.
   */
  source?: Provenance;
}

/** Where one leaf of the effective settings came from. */
export interface Provenance {
  scope: string;
  version: number;
  author: string;
  createdAt: string;
  /** The resource profile the layer pulled the value from, if any. */
  profile?: string;
  /** That profile's version. */
  profileVersion?: number;
}

/** The effective settings of a service or instance. */
export interface EffectiveSettings {
  content: JsonObject;
  /** The layers that exist, lowest first. */
  layers: { scope: string; version: number }[];
  /** The profiles the layers reference, with the version used (unknown ones are absent). */
  profiles: { name: string; version: number }[];
  /** Leaf pointer -> where it came from (computed on first access). */
  readonly provenance: Map<string, Provenance>;
}

/**
 * Merges layers (lowest priority first) after expanding their `$profile`
 * references with `profiles`, and records where every leaf came from.
 * Refuses, with an {@link UnprocessableError} and before any expansion,
 * layers over the reference or expanded-leaf limits of
 * {@link profileExpansionViolations}.
 *
 * @example computeEffective([{ scope: 'global', version: 1, author: 'a', createdAt: 't', content: { x: 1 } }], new Map()).content // { x: 1 }
 */
export function computeEffective(
  layers: readonly LayerSnapshot[],
  profiles: ReadonlyMap<string, ProfileContent>,
): EffectiveSettings {
  // Most configurations reference no profile: their layers are merged as they are.
  let plain = true;
  for (const layer of layers) if (profileReferences(layer.content).length > 0) plain = false;
  const tooCostly = plain ? [] : profileExpansionViolations(layers, profiles);
  if (tooCostly.length > 0) {
    throw new UnprocessableError('The $profile references would expand beyond the allowed size', tooCostly);
  }
  const used = plain ? NO_PROFILES : new Map<string, number>();
  const inputs = plain
    ? layers.map((layer) => ({ content: layer.content, source: sourceOf(layer) }))
    : layers.flatMap((layer) => {
        for (const name of referencedProfileNames(layer.content)) {
          const profile = profiles.get(name);
          if (profile) (used as Map<string, number>).set(name, profile.version);
        }
        return expandProfiles(
          { content: layer.content, source: sourceOf(layer) },
          profiles,
          (base, name, profile) => ({
            ...base,
            profile: name,
            profileVersion: profile.version,
          }),
        );
      });
  return new Effective(mergeLayers(inputs), layers, used);
}

/**
 * The {@link EffectiveSettings} of one merge. A class: `layers`, `profiles`
 * and `provenance` are built on first access (validation of thousands of
 * configurations reads only `content`), with getters on the prototype
 * rather than on an object built per configuration.
 */
class Effective implements EffectiveSettings {
  readonly content: JsonObject;
  readonly #merged: MergeResult<Provenance>;
  readonly #layers: readonly LayerSnapshot[];
  readonly #used: ReadonlyMap<string, number>;
  #layersOut: { scope: string; version: number }[] | undefined;
  #profilesOut: { name: string; version: number }[] | undefined;

  constructor(
    merged: MergeResult<Provenance>,
    layers: readonly LayerSnapshot[],
    used: ReadonlyMap<string, number>,
  ) {
    this.content = merged.content;
    this.#merged = merged;
    this.#layers = layers;
    this.#used = used;
  }

  get layers(): { scope: string; version: number }[] {
    this.#layersOut ??= this.#layers.map((layer) => ({ scope: layer.scope, version: layer.version }));
    return this.#layersOut;
  }

  get profiles(): { name: string; version: number }[] {
    this.#profilesOut ??= [...this.#used]
      .map(([name, version]) => ({ name, version }))
      .sort((a, b) => a.name.localeCompare(b.name));
    return this.#profilesOut;
  }

  get provenance(): Map<string, Provenance> {
    return this.#merged.provenance;
  }
}

/** The profiles used by a merge of layers without references. */
const NO_PROFILES: ReadonlyMap<string, number> = new Map();

function sourceOf(layer: LayerSnapshot): Provenance {
  return (
    layer.source ?? {
      scope: layer.scope,
      version: layer.version,
      author: layer.author,
      createdAt: layer.createdAt,
    }
  );
}

/**
 * The strong ETag of an effective representation: a digest of the layer
 * versions, the profile versions and whether provenance is included. Any
 * new version of any input changes it; nothing else does.
 *
 * @example effectiveEtag([{ scope: 'global', version: 3 }], [], false) // '"fx-…"'
 */
export function effectiveEtag(
  layers: readonly { scope: string; version: number }[],
  profiles: readonly { name: string; version: number }[],
  explain: boolean,
): string {
  const basis = JSON.stringify({
    l: layers.map((l) => [l.scope, l.version]),
    p: profiles.map((p) => [p.name, p.version]),
    x: explain,
  });
  return `"fx-${createHash('sha256').update(basis).digest('base64url').slice(0, 27)}"`;
}

/**
 * RFC 9110 `If-None-Match` evaluation (weak comparison): true when the
 * header lists `etag` or is `*`.
 */
export function etagMatches(ifNoneMatch: string | undefined, etag: string): boolean {
  if (ifNoneMatch === undefined) return false;
  const opaque = (tag: string) => tag.trim().replace(/^W\//, '');
  return ifNoneMatch
    .split(',')
    .some((candidate) => candidate.trim() === '*' || opaque(candidate) === opaque(etag));
}

/** The provenance map as the API's `explain` object. */
export function explainObject(provenance: ReadonlyMap<string, Provenance>): Record<string, Provenance> {
  return Object.fromEntries(provenance);
}
