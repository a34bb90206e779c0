import { isPlainObject } from '../is-plain-object.ts';

/**
 * A copy of `content` without the leaves `isSecret` names, and without
 * resolved secret values, so that the last-known-good file holds none.
 *
 * @example stripSecrets({ db: { host: 'h', password: 'p' } }, (p) => p.endsWith('password')) // { db: { host: 'h' } }
 */
export function stripSecrets(
  content: Record<string, unknown>,
  isSecret: (path: string) => boolean,
  prefix = '',
): Record<string, unknown> {
  const kept: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(content)) {
    const path = prefix ? `${prefix}.${key}` : key;
    if (isSecret(path)) continue;
    kept[key] = isPlainObject(value) ? stripSecrets(value, isSecret, path) : value;
  }
  return kept;
}
