import fastJsonPatch, { type Operation } from 'fast-json-patch';
import { canonicalJson } from './canonical-hash.ts';
import { ConflictError, ValidationError, type Violation } from './errors.ts';
import { isJsonObject, type JsonObject, type JsonValue, leaves } from './json-value.ts';

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
    if ((op.op === 'add' || op.op === 'replace' || op.op === 'test') && !('value' in op)) {
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
 * deletes, anything else replaces.
 */
export function applyMergePatch(target: JsonValue, patch: JsonValue): JsonValue {
  if (!isJsonObject(patch)) return structuredClone(patch);
  const result: JsonObject = isJsonObject(target) ? structuredClone(target) : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete result[key];
    else result[key] = applyMergePatch(result[key] ?? null, value);
  }
  return result;
}

/**
 * Percent (0-100, two decimals) of leaf keys added, removed or changed
 * between two documents, over the leaves of both. The first version of a
 * document touches 100 %; an unchanged one 0 %.
 */
export function keysTouchedPercent(before: JsonObject | null, after: JsonObject): number {
  const a = before === null ? new Map<string, JsonValue>() : leaves(before);
  const b = leaves(after);
  const all = new Set([...a.keys(), ...b.keys()]);
  if (all.size === 0) return before === null ? 100 : 0;
  let touched = 0;
  for (const key of all) {
    const x = a.get(key);
    const y = b.get(key);
    if (x === undefined || y === undefined || canonicalJson(x) !== canonicalJson(y)) touched++;
  }
  return Math.round((touched / all.size) * 10_000) / 100;
}
