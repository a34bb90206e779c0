import { escapePointerToken, isJsonObject, type JsonObject, type JsonValue, setOwn } from '../json-value.ts';

/** One layer to merge: its content and whatever describes where it came from. */
export interface MergeInput<S> {
  content: JsonObject;
  source: S;
}

/**
 * The merged content and, for every leaf pointer, the source of the layer
 * that supplied it (computed on first access of `provenance`).
 */
export interface MergeResult<S> {
  content: JsonObject;
  provenance: Map<string, S>;
}

/**
 * Deep-merges layers, lowest priority first: a higher layer wins key by key,
 * objects merge recursively, arrays and scalars are replaced as a whole, and
 * `null` in a higher layer deletes the key (the result never holds `null`).
 * Records, for every leaf of the result (see {@link settingLeaves}), the
 * source of the layer that supplied it. Inputs are never modified. Every key,
 * `__proto__` included, is an own data property of the result.
 *
 * Linear in the total size of the layers: each object of the result carries
 * the source of every key assigned in it (a scalar, an array or a freshly
 * created object), so replacing or deleting a key drops its whole subtree
 * with it, and the provenance walk reads each key's source once.
 *
 * @example mergeLayers([{ content: { a: 1, b: 2 }, source: 'g' }, { content: { b: null, c: 3 }, source: 'e' }]).content // { a: 1, c: 3 }
 */
export function mergeLayers<S>(layers: readonly MergeInput<S>[]): MergeResult<S> {
  const content: JsonObject = {};
  for (const layer of layers) mergeInto(content, layer.content, layer.source, undefined);
  // Why lazy, and by merging again: most callers (validation of thousands of configurations,
  // export) need only the content, so the merge records no source; on first access of
  // `provenance` the same inputs (never modified) are merged again recording the source of
  // every key, and the result is kept.
  let provenance: Map<string, S> | undefined;
  return {
    content,
    get provenance(): Map<string, S> {
      if (!provenance) {
        const again: JsonObject = {};
        const assigned = new Map<JsonObject, Map<string, S>>();
        for (const layer of layers) mergeInto(again, layer.content, layer.source, assigned);
        provenance = provenanceOf(again, assigned);
      }
      return provenance;
    },
  };
}

/**
 * Merges `patch` into `target` (see {@link mergeLayers}); with `assigned`,
 * records per object of the result the source of every key assigned in it.
 * A module-level function: it runs for every configuration a wide write validates.
 */
function mergeInto<S>(
  target: JsonObject,
  patch: JsonObject,
  source: S,
  assigned: Map<JsonObject, Map<string, S>> | undefined,
): void {
  let sources: Map<string, S> | undefined;
  if (assigned) {
    sources = assigned.get(target);
    if (!sources) {
      sources = new Map();
      assigned.set(target, sources);
    }
  }
  for (const key of Object.keys(patch)) {
    const value = patch[key] as JsonValue;
    if (value === null) {
      delete target[key];
      sources?.delete(key);
    } else if (isJsonObject(value)) {
      let child = Object.hasOwn(target, key) ? target[key] : undefined;
      if (!isJsonObject(child)) {
        child = {};
        setOwn(target, key, child);
        sources?.set(key, source);
      }
      mergeInto(child, value, source, assigned);
    } else {
      // Scalars are immutable; only arrays need a copy (the result never shares a mutable input).
      setOwn(target, key, Array.isArray(value) ? structuredClone(value) : value);
      sources?.set(key, source);
    }
  }
}

/** Leaf pointer -> source, from the sources {@link mergeLayers} recorded per object of the result. */
function provenanceOf<S>(
  content: JsonObject,
  assigned: ReadonlyMap<JsonObject, Map<string, S>>,
): Map<string, S> {
  const provenance = new Map<string, S>();
  // `inherited` is the source of the deepest assignment above `node` (an `undefined` source defers to it).
  const walk = (node: JsonObject, path: string, inherited: S | undefined): void => {
    const sources = assigned.get(node);
    for (const key of Object.keys(node)) {
      const child = node[key] as JsonValue;
      const pointer = `${path}/${escapePointerToken(key)}`;
      const own = sources?.get(key);
      const source = own !== undefined ? own : inherited;
      if (isJsonObject(child) && Object.keys(child).length > 0) walk(child, pointer, source);
      else if (source !== undefined) provenance.set(pointer, source);
    }
  };
  walk(content, '', undefined);
  return provenance;
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
