/** A JSON value as parsed by `JSON.parse`. */
export type JsonValue = string | number | boolean | null | JsonValue[] | JsonObject;

/** A JSON object. */
export interface JsonObject {
  [key: string]: JsonValue;
}

/**
 * Keys that reach an object's prototype machinery in JavaScript. The API refuses them in every
 * body (docs/reliability.md, "Prototype keys and merges"); the domain still treats them as plain
 * data so that a caller that skipped the edge cannot pollute a prototype.
 */
export const PROTOTYPE_KEYS: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);

/** True for `__proto__`, `constructor` and `prototype` (see {@link PROTOTYPE_KEYS}). */
export function isPrototypeKey(key: string): boolean {
  return PROTOTYPE_KEYS.has(key);
}

/**
 * True for plain JSON data objects: not arrays, not null, and with `Object.prototype` or no
 * prototype at all; `Object.prototype` itself, class instances and functions are not.
 */
export function isJsonObject(value: unknown): value is JsonObject {
  if (typeof value !== 'object' || value === null || Array.isArray(value) || value === Object.prototype)
    return false;
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/**
 * Sets `object[key] = value` as an own, enumerable data property, even for `__proto__` (where
 * plain assignment would replace the prototype instead).
 */
export function setOwn<T>(object: Record<string, T>, key: string, value: T): void {
  if (key === '__proto__') {
    Object.defineProperty(object, key, { value, writable: true, enumerable: true, configurable: true });
  } else object[key] = value;
}

/** The own property `key` of a JSON object, or `undefined` (never an inherited member). */
export function ownValue(object: JsonObject, key: string): JsonValue | undefined {
  return Object.hasOwn(object, key) ? object[key] : undefined;
}

/** Escapes one JSON pointer reference token (RFC 6901). */
export function escapePointerToken(token: string): string {
  // Why the test first: most keys need no escaping, and merges escape every key of every layer.
  return token.includes('~') || token.includes('/')
    ? token.replaceAll('~', '~0').replaceAll('/', '~1')
    : token;
}

/**
 * Lists the JSON pointers of every leaf of a value with the leaf itself. An
 * empty object or array counts as a leaf, so that adding `{}` is visible.
 */
export function leaves(value: JsonValue, prefix = ''): Map<string, JsonValue> {
  const out = new Map<string, JsonValue>();
  const walk = (node: JsonValue, path: string): void => {
    if (Array.isArray(node)) {
      if (node.length === 0) out.set(path, node);
      for (const [i, child] of node.entries()) walk(child, `${path}/${i}`);
    } else if (isJsonObject(node)) {
      const keys = Object.keys(node);
      if (keys.length === 0) out.set(path, node);
      for (const key of keys) walk(node[key] as JsonValue, `${path}/${escapePointerToken(key)}`);
    } else {
      out.set(path, node);
    }
  };
  walk(value, prefix);
  return out;
}

/**
 * Number of leaves of a value: scalars and empty objects or arrays, array items included (own
 * keys only).
 *
 * @example countLeaves({ a: [1, 2], b: {} }) // 3
 */
export function countLeaves(value: JsonValue): number {
  if (value === null || typeof value !== 'object') return 1;
  const keys = Object.keys(value);
  if (keys.length === 0) return 1;
  let n = 0;
  for (const key of keys) n += countLeaves((value as JsonObject)[key] as JsonValue);
  return n;
}
