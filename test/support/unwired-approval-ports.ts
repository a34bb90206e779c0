import type { Deps, Port } from '../../shared/use-cases/deps.ts';
import { silentLogger } from './silent-logger.ts';

/** A port whose every method rejects: the test does not expect the code under test to reach it. */
function unwired(name: string): unknown {
  const fail = () => {
    throw new Error(`${name} called, but this test wires no ${name}`);
  };
  return new Proxy(fail, {
    get: (_, method) =>
      method === 'then'
        ? undefined
        : () => Promise.reject(new Error(`${name}.${String(method)} called, but this test wires no ${name}`)),
  });
}

/**
 * Ports for tests that must hand a context its declared ports but do not
 * expect them to be used: any call fails the test.
 *
 * @example const deps = { documents, clock, logger, ...unwiredPorts('workflows', 'linkSigner') };
 */
export function unwiredPorts<K extends Port>(...names: K[]): Pick<Deps, K> {
  return Object.fromEntries(names.map((name) => [name, unwired(name)])) as Pick<Deps, K>;
}

/**
 * The write path's approval ports for tests whose environments are not
 * protected: any call to them fails the test, as a missing port did when
 * the ports were optional.
 *
 * @example const deps = { documents, clock, ...unwiredApprovalPorts() };
 */
export function unwiredApprovalPorts(): Pick<Deps, 'changeRequests' | 'workflows' | 'logger'> {
  return { ...unwiredPorts('changeRequests', 'workflows'), logger: silentLogger };
}
