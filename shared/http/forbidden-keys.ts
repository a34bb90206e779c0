import type { Violation } from '../domain/errors.ts';
import { escapePointerToken, isPrototypeKey } from '../domain/json-value.ts';
import { pointerTokens } from '../domain/layers/json-pointer.ts';

/** Most `forbidden-key` violations listed in one problem (the rest are counted in the last one). */
export const MAX_FORBIDDEN_KEY_VIOLATIONS = 100;

const HINT = 'Rename the key: __proto__, constructor and prototype are refused in every request body';

/**
 * Violations for every key `__proto__`, `constructor` or `prototype` anywhere in a parsed body
 * and, when `patchPointers` is set (an RFC 6902 body), for every operation whose `path` or
 * `from` pointer passes through such a token. Pointers are under `/body`. Walks iteratively;
 * call it after the depth check so the walk is bounded.
 *
 * @example forbiddenKeyViolations(JSON.parse('{"a":{"__proto__":{}}}'), false)[0]?.pointer // '/body/a/__proto__'
 */
export function forbiddenKeyViolations(root: unknown, patchPointers: boolean): Violation[] {
  const out: Violation[] = [];
  let total = 0;
  const report = (violation: Violation): void => {
    total += 1;
    if (out.length < MAX_FORBIDDEN_KEY_VIOLATIONS) out.push(violation);
  };
  const stack: { value: unknown; pointer: string }[] = [{ value: root, pointer: '/body' }];
  while (stack.length > 0) {
    const { value, pointer } = stack.pop() as { value: unknown; pointer: string };
    if (typeof value !== 'object' || value === null) continue;
    const isArray = Array.isArray(value);
    for (const key of Object.keys(value)) {
      const at = `${pointer}/${escapePointerToken(key)}`;
      if (!isArray && isPrototypeKey(key)) {
        report({
          pointer: at,
          rule: 'forbidden-key',
          message: `the key '${key}' is not allowed`,
          hint: HINT,
        });
      }
      stack.push({ value: (value as Record<string, unknown>)[key], pointer: at });
    }
  }
  if (patchPointers && Array.isArray(root)) {
    root.forEach((op: unknown, i) => {
      if (typeof op !== 'object' || op === null) return;
      for (const field of ['path', 'from'] as const) {
        const target: unknown = Object.hasOwn(op, field) ? (op as Record<string, unknown>)[field] : undefined;
        if (typeof target === 'string' && pointerTokens(target).some(isPrototypeKey)) {
          report({
            pointer: `/body/${i}/${field}`,
            rule: 'forbidden-key',
            message: `the pointer passes through __proto__, constructor or prototype`,
            value: target.slice(0, 200),
            hint: HINT,
          });
        }
      }
    });
  }
  out.sort((a, b) => (a.pointer < b.pointer ? -1 : a.pointer > b.pointer ? 1 : 0));
  if (total > out.length) {
    const last = out[out.length - 1] as Violation;
    last.message = `${last.message} (and ${total - out.length} more forbidden keys not listed)`;
  }
  return out;
}
