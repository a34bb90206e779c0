import type { JsonValue } from '../json-value.ts';

/** A settings value that stands for a secret: `{"$secret": "db-password"}`. */
export interface SecretReference {
  /** JSON pointer of the reference inside the content. */
  pointer: string;
  name: string;
}

/** True for `{"$secret": "<name>"}` (optionally with the `version` effective views add). */
export function isSecretReference(value: JsonValue | undefined): value is { $secret: string } {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const keys = Object.keys(value);
  return (
    typeof (value as Record<string, unknown>).$secret === 'string' &&
    keys.every((k) => k === '$secret' || k === 'version')
  );
}

/** Every secret reference in a settings value, with its pointer. */
export function findSecretReferences(content: JsonValue, pointer = ''): SecretReference[] {
  if (isSecretReference(content)) return [{ pointer, name: content.$secret }];
  if (typeof content !== 'object' || content === null) return [];
  const entries: [string, JsonValue][] = Array.isArray(content)
    ? content.map((item, i) => [String(i), item])
    : Object.entries(content);
  return entries.flatMap(([key, item]) =>
    findSecretReferences(item, `${pointer}/${key.replaceAll('~', '~0').replaceAll('/', '~1')}`),
  );
}

/**
 * A copy of `content` with every secret reference replaced by what
 * `replace` returns for its name (a `{"$secret", "version"}` view, or the value).
 */
export function mapSecretReferences(content: JsonValue, replace: (name: string) => JsonValue): JsonValue {
  if (isSecretReference(content)) return replace(content.$secret);
  if (typeof content !== 'object' || content === null) return content;
  if (Array.isArray(content)) return content.map((item) => mapSecretReferences(item, replace));
  const out: Record<string, JsonValue> = {};
  for (const [key, item] of Object.entries(content)) {
    // Why defineProperty: keys come from stored JSON; a plain assignment of `__proto__` would set the prototype.
    Object.defineProperty(out, key, {
      value: mapSecretReferences(item, replace),
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  return out;
}
