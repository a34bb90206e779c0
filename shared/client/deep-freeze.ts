/**
 * Recursively freezes an object and everything it holds.
 *
 * @example deepFreeze({ a: { b: 1 } }).a // frozen too
 */
export function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}
