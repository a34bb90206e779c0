import type { Ajv2020, ErrorObject } from 'ajv/dist/2020.js';
import type { DataValidateFunction } from 'ajv/dist/types/index.js';

/**
 * Whether two JSON values are equal as JSON (numbers by value, objects by
 * their own keys whatever their order), reading no method of either: a
 * parsed document's object may hold a key `valueOf` or `toString`.
 *
 * @example jsonEqual({ toString: {} }, { toString: {} }) // true
 */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    return a.every((item, i) => jsonEqual(item, b[i]));
  }
  const left = a as Record<string, unknown>;
  const right = b as Record<string, unknown>;
  const keys = Object.keys(left);
  if (keys.length !== Object.keys(right).length) return false;
  return keys.every((key) => Object.hasOwn(right, key) && jsonEqual(left[key], right[key]));
}

/** A keyword's validate function that reports `error` (ajv adds where) when `fails` says why. */
function keywordCheck(
  keyword: string,
  fails: (schema: never, data: unknown) => Partial<ErrorObject> | undefined,
): DataValidateFunction {
  const check: DataValidateFunction = (schema, data) => {
    const error = fails(schema as never, data);
    check.errors = error ? [{ keyword, ...error }] : [];
    return error === undefined;
  };
  return check;
}

/**
 * Replaces ajv's `const`, `enum` and `uniqueItems` (same messages and
 * params) with ones comparing by {@link jsonEqual}: ajv's comparison
 * (fast-deep-equal) calls an object's `valueOf` and `toString` when they
 * are not Object.prototype's, so a document `{"toString": {}}` under
 * `enum: [{}]` threw a TypeError (a 500) instead of being validated.
 */
export function useJsonEqualKeywords(ajv: Ajv2020): void {
  for (const keyword of ['const', 'enum', 'uniqueItems']) ajv.removeKeyword(keyword);
  ajv.addKeyword({
    keyword: 'const',
    errors: true,
    validate: keywordCheck('const', (schema: unknown, data) =>
      jsonEqual(data, schema)
        ? undefined
        : { message: 'must be equal to constant', params: { allowedValue: schema } },
    ),
  });
  ajv.addKeyword({
    keyword: 'enum',
    schemaType: 'array',
    errors: true,
    validate: keywordCheck('enum', (schema: unknown[], data) =>
      schema.some((allowed) => jsonEqual(data, allowed))
        ? undefined
        : { message: 'must be equal to one of the allowed values', params: { allowedValues: schema } },
    ),
  });
  ajv.addKeyword({
    keyword: 'uniqueItems',
    schemaType: 'boolean',
    errors: true,
    validate: keywordCheck('uniqueItems', (schema: boolean, data) => {
      if (!schema || !Array.isArray(data)) return undefined;
      for (let i = data.length - 1; i > 0; i -= 1) {
        for (let j = i - 1; j >= 0; j -= 1) {
          if (!jsonEqual(data[i], data[j])) continue;
          return {
            message: `must NOT have duplicate items (items ## ${j} and ${i} are identical)`,
            params: { i, j },
          };
        }
      }
      return undefined;
    }),
  });
}
