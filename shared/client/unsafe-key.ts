const UNSAFE = new Set(['__proto__', 'constructor', 'prototype']);

/**
 * Keys never written into a settings object: `__proto__`, `constructor`,
 * `prototype` (prototype pollution through a file, a flag or a variable).
 *
 * @example isUnsafeKey('__proto__') // true
 */
export function isUnsafeKey(key: string): boolean {
  return UNSAFE.has(key);
}
