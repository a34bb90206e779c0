import { isPlainObject } from './is-plain-object.ts';
import { isUnsafeKey } from './unsafe-key.ts';

/**
 * Sets `value` at `segments` inside `target`, creating plain objects on the
 * way (replacing a non-object in the way). Refuses `__proto__`,
 * `constructor` and `prototype` segments: returns false and writes nothing.
 *
 * @example const o = {}; setPath(o, ['db', 'host'], 'x'); // o = { db: { host: 'x' } }
 */
export function setPath(
  target: Record<string, unknown>,
  segments: readonly string[],
  value: unknown,
): boolean {
  if (segments.length === 0 || segments.some(isUnsafeKey)) return false;
  let node = target;
  for (const segment of segments.slice(0, -1)) {
    const next = node[segment];
    if (isPlainObject(next)) node = next;
    else {
      const created: Record<string, unknown> = {};
      node[segment] = created;
      node = created;
    }
  }
  node[segments.at(-1) as string] = value;
  return true;
}
