import type { Deps } from '../deps.ts';

/** The ports the secrets use cases need. */
export type SecretsDeps = Pick<
  Deps,
  'documents' | 'clock' | 'logger' | 'changeRequests' | 'workflows' | 'secrets' | 'keys' | 'audit'
>;

/**
 * Narrows `Deps` to {@link SecretsDeps} (a bridge while composition roots
 * still build one bag of ports), failing loudly when the composition
 * root did not wire the secret ports (a deployment error, not a user error).
 *
 * @example const secrets = requireSecretsDeps(deps);
 */
export function requireSecretsDeps(deps: Partial<Deps>): SecretsDeps {
  const missing = (
    ['documents', 'clock', 'logger', 'changeRequests', 'workflows', 'secrets', 'keys', 'audit'] as const
  ).filter((key) => deps[key] === undefined);
  if (missing.length > 0) throw new Error(`secret ports are not wired: ${missing.join(', ')}`);
  return deps as SecretsDeps;
}
