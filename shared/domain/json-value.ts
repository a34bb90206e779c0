/** A JSON value as parsed by `JSON.parse`. */
export type JsonValue = string | number | boolean | null | JsonValue[] | JsonObject;

/** A JSON object. */
export interface JsonObject {
  [key: string]: JsonValue;
}

/** True for plain JSON objects (not arrays, not null). */
export function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Escapes one JSON pointer reference token (RFC 6901). */
export function escapePointerToken(token: string): string {
  return token.replaceAll('~', '~0').replaceAll('/', '~1');
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
