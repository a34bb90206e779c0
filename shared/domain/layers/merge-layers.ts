import { escapePointerToken, isJsonObject, type JsonObject, type JsonValue } from '../json-value.ts';
import { isAtOrBelow } from './json-pointer.ts';

/** One layer to merge: its content and whatever describes where it came from. */
export interface MergeInput<S> {
  content: JsonObject;
  source: S;
}

/** The merged content and, for every leaf pointer, the source of the layer that supplied it. */
export interface MergeResult<S> {
  content: JsonObject;
  provenance: Map<string, S>;
}

/**
 * Deep-merges layers, lowest priority first: a higher layer wins key by key,
 * objects merge recursively, arrays and scalars are replaced as a whole, and
 * `null` in a higher layer deletes the key (the result never holds `null`).
 * Records, for every leaf of the result (see {@link settingLeaves}), the
 * source of the layer that supplied it. Inputs are never modified.
 *
 * @example mergeLayers([{ content: { a: 1, b: 2 }, source: 'g' }, { content: { b: null, c: 3 }, source: 'e' }]).content // { a: 1, c: 3 }
 */
export function mergeLayers<S>(layers: readonly MergeInput<S>[]): MergeResult<S> {
  const content: JsonObject = {};
  // Pointer of each assignment (a scalar, an array, or a freshly created object) -> its source.
  const assigned = new Map<string, S>();
  const forget = (pointer: string): void => {
    for (const key of [...assigned.keys()]) if (isAtOrBelow(key, pointer)) assigned.delete(key);
  };
  const mergeInto = (target: JsonObject, patch: JsonObject, path: string, source: S): void => {
    for (const [key, value] of Object.entries(patch)) {
      const pointer = `${path}/${escapePointerToken(key)}`;
      if (value === null) {
        delete target[key];
        forget(pointer);
      } else if (isJsonObject(value)) {
        let child = target[key];
        if (!isJsonObject(child)) {
          forget(pointer);
          child = {};
          target[key] = child;
          assigned.set(pointer, source);
        }
        mergeInto(child, value, pointer, source);
      } else {
        forget(pointer);
        target[key] = structuredClone(value);
        assigned.set(pointer, source);
      }
    }
  };
  for (const layer of layers) mergeInto(content, layer.content, '', layer.source);

  const provenance = new Map<string, S>();
  for (const pointer of settingLeaves(content)) {
    const source = deepestAssignment(assigned, pointer);
    if (source !== undefined) provenance.set(pointer, source);
  }
  return { content, provenance };
}

function deepestAssignment<S>(assigned: Map<string, S>, pointer: string): S | undefined {
  let current = pointer;
  for (;;) {
    const found = assigned.get(current);
    if (found !== undefined) return found;
    if (current === '') return undefined;
    current = current.slice(0, current.lastIndexOf('/'));
  }
}

/**
 * The leaf pointers of merged settings: scalars, arrays (replaced whole, so
 * one leaf each) and empty objects.
 *
 * @example settingLeaves({ a: { b: 1 }, c: [1, 2], d: {} }) // ['/a/b', '/c', '/d']
 */
export function settingLeaves(content: JsonObject): string[] {
  const out: string[] = [];
  const walk = (node: JsonValue, path: string): void => {
    if (isJsonObject(node)) {
      const keys = Object.keys(node);
      if (keys.length === 0 && path !== '') out.push(path);
      for (const key of keys) walk(node[key] as JsonValue, `${path}/${escapePointerToken(key)}`);
    } else out.push(path);
  };
  walk(content, '');
  return out;
}
