import { isPlainObject } from './is-plain-object.ts';
import { leaves } from './leaves.ts';
import { provenanceOf } from './provenance.ts';
import type { LeafOrigin, SourceReading } from './settings-source.ts';
import { isUnsafeKey } from './unsafe-key.ts';

/** Readings merged: the values, the origin of every leaf, and every reading's issues and commits. */
export interface MergedReading<O extends LeafOrigin = LeafOrigin> {
  values: Record<string, unknown>;
  /** Origin of each leaf, by dot path (only leaves some reading gave an origin for). */
  origins: Record<string, O>;
  issues: NonNullable<SourceReading['issues']>[number][];
  commits: (() => Promise<void>)[];
}

/**
 * The precedence engine: deep-merges readings given highest priority
 * first. Objects merge key by key; any other value (a scalar, an array)
 * replaces what a lower reading had at that path, and its origin replaces
 * the origins at, under and above that path. The origin of a leaf is the
 * reading's origin for it or for its nearest ancestor (a JSON object read
 * from one variable).
 *
 * @example mergeReadings([{ values: { a: 1 } }, { values: { a: 2, b: 3 } }]).values // { a: 1, b: 3 }
 */
export function mergeReadings<O extends LeafOrigin = LeafOrigin>(
  readings: readonly (Omit<SourceReading, 'origins'> & { origins?: Readonly<Record<string, O>> })[],
): MergedReading<O> {
  const merged: MergedReading<O> = { values: {}, origins: {}, issues: [], commits: [] };
  for (const reading of [...readings].reverse()) {
    mergeInto(merged.values, structuredClone(reading.values));
    for (const [path] of leaves(reading.values)) {
      if (path === '') continue;
      for (const known of Object.keys(merged.origins)) {
        if (related(known, path)) delete merged.origins[known];
      }
      const origin = reading.origins && provenanceOf(reading.origins, path);
      if (origin) merged.origins[path] = origin;
    }
    merged.issues.push(...(reading.issues ?? []));
    if (reading.commit) merged.commits.push(reading.commit);
  }
  return merged;
}

function mergeInto(target: Record<string, unknown>, source: Record<string, unknown>): void {
  for (const [key, value] of Object.entries(source)) {
    if (isUnsafeKey(key)) continue;
    const current = target[key];
    if (isPlainObject(current) && isPlainObject(value)) mergeInto(current, value);
    else target[key] = value;
  }
}

function related(a: string, b: string): boolean {
  return a === b || a.startsWith(`${b}.`) || b.startsWith(`${a}.`);
}
