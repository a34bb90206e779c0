import { isPlainObject } from './is-plain-object.ts';

/**
 * Every leaf of a nested object as `[dotPath, value]`: scalars, arrays and
 * empty objects are leaves.
 *
 * @example leaves({ db: { host: 'x', ports: [1] } }) // [['db.host', 'x'], ['db.ports', [1]]]
 */
export function leaves(value: unknown, prefix = ''): [string, unknown][] {
  if (!isPlainObject(value) || (Object.keys(value).length === 0 && prefix !== '')) return [[prefix, value]];
  return Object.entries(value).flatMap(([key, child]) =>
    leaves(child, prefix === '' ? key : `${prefix}.${key}`),
  );
}
