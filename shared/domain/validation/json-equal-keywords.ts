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

/**
 * A text equal for two JSON values exactly when {@link jsonEqual} holds
 * (object keys sorted), reading no method of either.
 */
function jsonKey(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(jsonKey).join(',')}]`;
  if (typeof value !== 'object' || value === null) return JSON.stringify(value) ?? 'null';
  const object = value as Record<string, unknown>;
  const keys = Object.keys(object).sort();
  return `{${keys.map((key) => `${JSON.stringify(key)}:${jsonKey(object[key])}`).join(',')}}`;
}

/**
 * The last item of `items` equal to an earlier one, with the latest such
 * earlier one (`[j, i]`, as ajv reports them), or `undefined`: one pass
 * over a key per item, where comparing every pair made 40,000 integers
 * take 1.1 s.
 */
function lastDuplicate(items: readonly unknown[]): [j: number, i: number] | undefined {
  const seen = new Map<string, number>();
  let found: [number, number] | undefined;
  items.forEach((item, i) => {
    const key = jsonKey(item);
    const j = seen.get(key);
    if (j !== undefined) found = [j, i];
    seen.set(key, i);
  });
  return found;
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
      const duplicate = lastDuplicate(data);
      if (!duplicate) return undefined;
      const [j, i] = duplicate;
      return {
        message: `must NOT have duplicate items (items ## ${j} and ${i} are identical)`,
        params: { i, j },
      };
    }),
  });
}
