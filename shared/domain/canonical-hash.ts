import { createHash } from 'node:crypto';
import canonicalizeImport from 'canonicalize';

// canonicalize ships CommonJS with a default export; normalise both shapes.
const canonicalizeFn = canonicalizeImport as unknown as (input: unknown) => string | undefined;

/**
 * Serialises a JSON value per RFC 8785 (JSON Canonicalization Scheme).
 *
 * @example canonicalJson({ b: 1, a: [true, null] }) // '{"a":[true,null],"b":1}'
 */
export function canonicalJson(value: unknown): string {
  const text = canonicalizeFn(value);
  if (text === undefined) throw new TypeError('value is not representable as JSON');
  return text;
}

/**
 * SHA-256 (lowercase hex) of the RFC 8785 canonical JSON of a value: equal
 * for any two JSON values that are equal, whatever their key order.
 */
export function contentHash(value: unknown): string {
  return createHash('sha256').update(canonicalJson(value), 'utf8').digest('hex');
}
