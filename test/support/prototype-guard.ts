import { expect } from 'vitest';

/** The shared prototypes a hostile key could pollute. */
const GUARDED = { 'Object.prototype': Object.prototype, 'Array.prototype': Array.prototype } as const;

/** Property names (strings and symbols) with their descriptors, as comparable text. */
function describeObject(target: object): Map<string | symbol, string> {
  const out = new Map<string | symbol, string>();
  for (const key of Reflect.ownKeys(target)) {
    const d = Object.getOwnPropertyDescriptor(target, key) as PropertyDescriptor;
    out.set(
      key,
      [d.value, d.get, d.set, d.writable, d.enumerable, d.configurable]
        .map((part) => describePart(part))
        .join('|'),
    );
  }
  return out;
}

/** Functions and objects by identity, so a replaced method shows; primitives by value. */
const identities = new WeakMap<object, number>();
let nextIdentity = 0;
function describePart(part: unknown): string {
  if ((typeof part === 'object' && part !== null) || typeof part === 'function') {
    let id = identities.get(part as object);
    if (id === undefined) {
      id = nextIdentity++;
      identities.set(part as object, id);
    }
    return `#${id}`;
  }
  return `${typeof part}:${String(part)}`;
}

/** A snapshot of `Object.prototype` and `Array.prototype` (and what they inherit from). */
export interface PrototypeSnapshot {
  /** Lists every change since the snapshot: an added, removed or altered property, or a new prototype. */
  changes(): string[];
}

/**
 * Snapshots the property names and descriptors of `Object.prototype` and `Array.prototype` and
 * the prototype each inherits from, so a test can assert that hostile input polluted neither.
 *
 * @example const guard = snapshotPrototypes(); await act(); expectPrototypesUnchanged(guard, 'after act');
 */
export function snapshotPrototypes(): PrototypeSnapshot {
  const before = Object.entries(GUARDED).map(([name, target]) => ({
    name,
    target,
    proto: Object.getPrototypeOf(target) as unknown,
    extensible: Object.isExtensible(target),
    props: describeObject(target),
  }));
  return {
    changes() {
      const out: string[] = [];
      for (const { name, target, proto, extensible, props } of before) {
        if (Object.getPrototypeOf(target) !== proto) out.push(`${name} has a new prototype`);
        if (Object.isExtensible(target) !== extensible) out.push(`${name} changed extensibility`);
        const now = describeObject(target);
        for (const [key, text] of now) {
          if (!props.has(key)) out.push(`${name}.${String(key)} was added`);
          else if (props.get(key) !== text) out.push(`${name}.${String(key)} was changed`);
        }
        for (const key of props.keys()) if (!now.has(key)) out.push(`${name}.${String(key)} was removed`);
      }
      return out;
    },
  };
}

/** Fails, naming every change, when `Object.prototype` or `Array.prototype` differs from `snapshot`. */
export function expectPrototypesUnchanged(snapshot: PrototypeSnapshot, context = ''): void {
  expect(snapshot.changes(), `prototypes changed ${context}`.trim()).toEqual([]);
}
