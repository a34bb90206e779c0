import type { PortsOf } from '../use-cases/deps.ts';
import type { Env } from './base-ports.ts';
import { lazyPort } from './lazy-port.ts';

/** The secret ports: the secret store, its data keys and its audit trail. */
type SecretPorts = Pick<PortsOf<'secrets' | 'keys' | 'audit'>, 'secrets' | 'keys' | 'audit'>;

/**
 * The secret ports on AWS (`secretPortsFrom`) for a function that reads a
 * secret only on some invocations (the drift scanner: clusters whose token
 * is a secret; the settings function: documents that reference a secret):
 * their wiring loads with the first call of any of them, and each adapter
 * with its own first call as before. A failed load is retried on the next call.
 *
 * @example return { ...basePortsFrom(env), ...secretPortsOnFirstUse(env) };
 */
export function secretPortsOnFirstUse(env: Env): SecretPorts {
  let ports: Promise<SecretPorts> | undefined;
  const load = (): Promise<SecretPorts> => {
    ports ??= import('./aws-secret-ports.ts')
      .then((module) => module.secretPortsFrom(env))
      .catch((error: unknown) => {
        ports = undefined;
        throw error;
      });
    return ports;
  };
  return {
    secrets: lazyPort(async () => (await load()).secrets),
    keys: lazyPort(async () => (await load()).keys),
    audit: lazyPort(async () => (await load()).audit),
  };
}
