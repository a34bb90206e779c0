import type { ContextDeps } from '../http/context-ports.ts';
import type { PortsOf } from '../use-cases/deps.ts';
import type { Env } from './aws-approval-ports.ts';
import { buildAwsSecretsDeps } from './build-aws-secrets-deps.ts';
import { lazyPort } from './lazy-port.ts';

/** The ports of the scheduled rotation job: the secrets context's, plus the notifier that tells owners. */
export type RotationDeps = ContextDeps<'secrets'> & PortsOf<'notifier'>;

/**
 * The composition root of the daily secret rotation function on AWS (issue
 * 13): the ports of the secrets context (a due secret of a protected
 * environment becomes a change request) and the notifier (SNS email), each
 * checking its variables on first use. The notifier's wiring loads with the
 * first owner told of a due provided secret (most runs tell nobody).
 *
 * @example deps ??= buildAwsRotationDeps(process.env);
 */
export function buildAwsRotationDeps(env: Env): RotationDeps {
  return {
    ...buildAwsSecretsDeps(env),
    notifier: lazyPort(async () => (await import('./aws-notifier.ts')).notifierFrom(env)),
  };
}
