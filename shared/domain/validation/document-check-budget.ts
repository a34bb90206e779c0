import type { ErrorObject } from 'ajv/dist/2020.js';
import type { Violation } from '../errors.ts';
import { isJsonObject, type JsonValue } from '../json-value.ts';

// How much validating one document against a tenant's JSON Schema may cost, and how many of its errors
// are listed: the bounds and the counts that keep a request's cost linear (docs/reliability.md).

/**
 * Most JSON values (objects, arrays, scalars) a settings document may hold
 * for every JSON Schema error of it to be listed; a larger one lists its
 * first error only. With a recursive `$ref`, ajv's every-error mode copies
 * its error list after each call, so its cost grows with the square of the
 * number of errors: 10,000 bad values take about 0.15 s, 32,000 (within the
 * 256 KiB content cap) 2.6 s.
 */
export const MAX_CONTENT_CHECKED_VALUES = 10_000;

/**
 * Most subschema checks of a document (counted as for
 * {@link MAX_DOCUMENT_CHECKS}: each JSON value costs the checks the schema
 * applies at its depth, at most the schema's unfolded size,
 * `MAX_SCHEMA_UNFOLDED_SIZE`) for every schema error of it to be listed;
 * past it, its first error only. Each check may
 * add an error: 2,000 `allOf` members under `additionalProperties` made
 * 497 bad values list 994,000 errors in 1.4 s, and ajv's every-error mode
 * copies the error list after each `$ref` call, so 1,024 copies of a check
 * per value made 1,000 bad values take 4 s and 4,000 take 56 s. A schema
 * of up to 25 checks for one value keeps the 10,000-value bound.
 */
export const MAX_CONTENT_CHECKS = 250_000;

/**
 * Most subschema checks validating one document may make: the sum over its
 * JSON values of the checks the schema applies at their depth
 * (`checksByDepth` of `analyseSchemaReferences`). ajv evaluates every
 * `anyOf`/`oneOf` branch in either error mode (2020-12 tracks evaluated
 * properties), so a 1,000-branch `anyOf` under `additionalProperties` made
 * 8,000 keys take 2.8 s, blocking every tenant. Over this bound the
 * document is refused unchecked (`schema.too-costly`); at it, the slowest
 * checks measured (4.4 million a second) take about 0.2 s.
 */
export const MAX_DOCUMENT_CHECKS = 1_000_000;

/**
 * What ajv finds wrong with `data`: every error when it holds at most
 * `limit` JSON values, else the first one only (`listedAll` false). ajv's
 * every-error mode copies its growing error list at each subschema call,
 * so its cost grows with the square of the number of errors: it runs only
 * where that square is small. `run` validates in the mode asked for and
 * returns its errors.
 */
export function boundedAjvErrors(
  data: JsonValue,
  limit: number,
  run: (allErrors: boolean) => readonly ErrorObject[],
): { errors: readonly ErrorObject[]; listedAll: boolean } {
  const listedAll = hasAtMostValues(data, limit);
  return { errors: run(listedAll), listedAll };
}

/** The hint of the one error listed for `what` (`schema holds over 2000 values`): more may follow once it is fixed. */
export function firstErrorHint(hint: string, what: string): string {
  return `${hint}; this ${what}, so only its first error is listed and more may follow`;
}

/**
 * Characters of a string (or of the key that holds a value) that count as
 * one more check: `maxLength`, `pattern` and formats read the whole string
 * (ajv counts code points), so 1,000 `maxLength` branches made 499 strings
 * of 1,200 characters take 1.2 s where short ones take 0.1 s. A check
 * costs about 125 ns, a character about 2 ns.
 */
const CHARACTERS_PER_CHECK = 64;

/**
 * The JSON values of `content` and the most subschema checks validating it
 * makes: each value costs the checks the schema applies at its depth
 * (`checksByDepth[depth]`, none past its end), once more per
 * {@link CHARACTERS_PER_CHECK} characters of it (a string) and of its key.
 * Iterative, linear in `content`.
 */
export function documentChecks(
  content: JsonValue,
  checksByDepth: readonly number[],
): { values: number; checks: number } {
  const stack: [JsonValue, number, number][] = [[content, 0, 0]];
  let values = 0;
  let checks = 0;
  while (stack.length > 0) {
    const [value, depth, keyLength] = stack.pop() as [JsonValue, number, number];
    const characters = keyLength + (typeof value === 'string' ? value.length : 0);
    values += 1;
    checks += (checksByDepth[depth] ?? 0) * (1 + Math.floor(characters / CHARACTERS_PER_CHECK));
    if (Array.isArray(value)) for (const item of value) stack.push([item, depth + 1, 0]);
    else if (isJsonObject(value))
      for (const [key, item] of Object.entries(value)) stack.push([item as JsonValue, depth + 1, key.length]);
  }
  return { values, checks };
}

/** The one error of a document whose validation would cost over {@link MAX_DOCUMENT_CHECKS} checks. */
export function tooCostly(cost: { values: number; checks: number }, fanOut: number): Violation {
  return {
    pointer: '',
    rule: 'schema.too-costly',
    value: cost.checks,
    message: `validating this document against its JSON Schema would take up to ${cost.checks} subschema checks (${cost.values} JSON values, up to ${fanOut} checks for one of them), over the limit of ${MAX_DOCUMENT_CHECKS}; it was not checked`,
    hint: 'Split the document (fewer values where the schema is widest) or simplify the widest level of the schema (fewer anyOf/oneOf/allOf branches, properties or patterns applying to one value)',
  };
}

/** Whether `root` holds at most `limit` JSON values (itself included); stops counting past it. */
export function hasAtMostValues(root: JsonValue, limit: number): boolean {
  const stack: JsonValue[] = [root];
  let count = 0;
  while (stack.length > 0) {
    const value = stack.pop() as JsonValue;
    count += 1;
    if (count > limit) return false;
    if (Array.isArray(value)) for (const item of value) stack.push(item);
    else if (isJsonObject(value)) for (const key of Object.keys(value)) stack.push(value[key] as JsonValue);
  }
  return true;
}
