import fastJsonPatch, { type Operation } from 'fast-json-patch';
import { ConflictError, ValidationError, type Violation } from './errors.ts';
import {
  countLeaves,
  isJsonObject,
  isPrototypeKey,
  type JsonObject,
  type JsonValue,
  setOwn,
} from './json-value.ts';
import { pointerTokens } from './layers/json-pointer.ts';

const { applyPatch, compare, validate } = fastJsonPatch;

/** One RFC 6902 operation. */
export type PatchOperation = Operation;

/**
 * The RFC 6902 patch that turns `from` into `to`.
 *
 * @example diffDocuments({ a: 1 }, { a: 2 }) // [{ op: 'replace', path: '/a', value: 2 }]
 */
export function diffDocuments(from: JsonObject, to: JsonObject): PatchOperation[] {
  return compare(from, to);
}

/**
 * Applies an RFC 6902 patch to a copy of `document`. A malformed patch is a
 * {@link ValidationError}; a failing `test` op (or a path that does not
 * exist) is a {@link ConflictError}. The input is never modified.
 */
export function applyJsonPatch(document: JsonObject, patch: unknown): JsonObject {
  const violations = validatePatchShape(patch);
  if (violations.length > 0) throw new ValidationError('The JSON Patch document is not valid', violations);
  const ops = patch as PatchOperation[];
  const copy = structuredClone(document);
  const problem = validate(ops, copy);
  if (problem) {
    if (problem.name === 'TEST_OPERATION_FAILED') {
      throw new ConflictError(
        `JSON Patch test failed at operation ${String(problem.index)} (${ops[problem.index ?? 0]?.path ?? ''}); nothing was written`,
      );
    }
    throw new ConflictError(
      `JSON Patch operation ${String(problem.index)} cannot be applied: ${problem.message.split('\n')[0]}`,
    );
  }
  const result = applyPatch(copy, ops, false, true).newDocument as unknown;
  if (!isJsonObject(result)) {
    throw new ValidationError('The JSON Patch would make the document something other than an object', [
      { pointer: '/body', rule: 'object', message: 'settings content must stay a JSON object' },
    ]);
  }
  return result;
}

const OPS = new Set(['add', 'remove', 'replace', 'move', 'copy', 'test']);

/** Checks that a value is an array of well-formed RFC 6902 operations; lists every problem. */
export function validatePatchShape(patch: unknown): Violation[] {
  if (!Array.isArray(patch))
    return [{ pointer: '/body', rule: 'type', message: 'a JSON Patch document is an array of operations' }];
  const out: Violation[] = [];
  patch.forEach((op: unknown, i) => {
    const at = `/body/${i}`;
    if (!isJsonObject(op)) {
      out.push({ pointer: at, rule: 'type', message: 'each operation is an object' });
      return;
    }
    if (typeof op.op !== 'string' || !OPS.has(op.op)) {
      out.push({
        pointer: `${at}/op`,
        rule: 'enum',
        message: 'op must be one of add, remove, replace, move, copy, test',
        value: op.op ?? null,
      });
    }
    if (typeof op.path !== 'string' || !(op.path === '' || op.path.startsWith('/'))) {
      out.push({
        pointer: `${at}/path`,
        rule: 'json-pointer',
        message: 'path must be a JSON pointer',
        value: op.path ?? null,
      });
    }
    for (const field of ['path', 'from'] as const) {
      const pointer = op[field];
      if (typeof pointer === 'string' && pointerTokens(pointer).some(isPrototypeKey)) {
        out.push({
          pointer: `${at}/${field}`,
          rule: 'forbidden-key',
          message: `${field} passes through __proto__, constructor or prototype`,
          value: pointer.slice(0, 200),
        });
      }
    }
    if ((op.op === 'add' || op.op === 'replace' || op.op === 'test') && !Object.hasOwn(op, 'value')) {
      out.push({ pointer: `${at}/value`, rule: 'required', message: `${String(op.op)} needs a value` });
    }
    if (
      (op.op === 'move' || op.op === 'copy') &&
      (typeof op.from !== 'string' || !(op.from === '' || op.from.startsWith('/')))
    ) {
      out.push({
        pointer: `${at}/from`,
        rule: 'json-pointer',
        message: `${String(op.op)} needs from, a JSON pointer`,
      });
    }
  });
  return out;
}

/**
 * Applies an RFC 7396 JSON Merge Patch: objects merge recursively, `null`
 * deletes, anything else replaces. Every key, `__proto__` included, is an
 * own data property of the result; inherited members are never read.
 */
export function applyMergePatch(target: JsonValue, patch: JsonValue): JsonValue {
  if (!isJsonObject(patch)) return structuredClone(patch);
  const result: JsonObject = isJsonObject(target) ? structuredClone(target) : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete result[key];
    else
      setOwn(
        result,
        key,
        applyMergePatch(Object.hasOwn(result, key) ? (result[key] as JsonValue) : null, value),
      );
  }
  return result;
}

/**
 * Percent (0-100, two decimals) of leaf keys added, removed or changed
 * between two documents, over the leaves of both. The first version of a
 * document touches 100 %; an unchanged one 0 %.
 */
export function keysTouchedPercent(before: JsonObject | null, after: JsonObject): number {
  const [union, touched] =
    before === null ? [countLeaves(after), countLeaves(after)] : compareLeaves(before, after);
  if (union === 0 || (before === null && isEmptyContainer(after))) return before === null ? 100 : 0;
  return Math.round((touched / union) * 10_000) / 100;
}

/** A non-empty object or array, walked by own key (array indexes as strings); `undefined` for a leaf. */
function containerOf(value: JsonValue): Record<string, JsonValue> | undefined {
  if (value === null || typeof value !== 'object') return undefined;
  for (const key in value)
    if (Object.hasOwn(value, key)) return value as unknown as Record<string, JsonValue>;
  return undefined;
}

function isEmptyContainer(value: JsonValue): boolean {
  return value !== null && typeof value === 'object' && containerOf(value) === undefined;
}

/**
 * Walks two values side by side: [leaves in either, leaves added, removed or
 * changed]. Same result as comparing the JSON pointers of both sides' leaves,
 * without building a pointer (or any other object) per leaf.
 */
function compareLeaves(x: JsonValue, y: JsonValue): [number, number] {
  const xs = containerOf(x);
  const ys = containerOf(y);
  if (!xs && !ys) return [1, sameLeaf(x, y) ? 0 : 1];
  if (!xs || !ys) {
    const n = 1 + countLeaves((xs ? x : y) as JsonValue);
    return [n, n];
  }
  let union = 0;
  let touched = 0;
  for (const key of Object.keys(xs)) {
    if (Object.hasOwn(ys, key)) {
      const [u, t] = compareLeaves(xs[key] as JsonValue, ys[key] as JsonValue);
      union += u;
      touched += t;
    } else {
      const n = countLeaves(xs[key] as JsonValue);
      union += n;
      touched += n;
    }
  }
  for (const key of Object.keys(ys)) {
    if (Object.hasOwn(xs, key)) continue;
    const n = countLeaves(ys[key] as JsonValue);
    union += n;
    touched += n;
  }
  return [union, touched];
}

/** Leaves are scalars or empty containers, so equality needs no serialisation. */
function sameLeaf(x: JsonValue, y: JsonValue): boolean {
  if (x === null || y === null || typeof x !== 'object' || typeof y !== 'object') return x === y;
  return Array.isArray(x) === Array.isArray(y);
}
