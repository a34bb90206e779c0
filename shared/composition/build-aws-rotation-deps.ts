import type { ContextDeps } from '../http/context-ports.ts';
import type { PortsOf } from '../use-cases/deps.ts';
import { type Env, onFirstUse } from './aws-approval-ports.ts';
import { notifierFrom } from './aws-notifier.ts';
import { buildAwsSecretsDeps } from './build-aws-secrets-deps.ts';

/** The ports of the scheduled rotation job: the secrets context's, plus the notifier that tells owners. */
export type RotationDeps = ContextDeps<'secrets'> & PortsOf<'notifier'>;

/**
 * The composition root of the daily secret rotation function on AWS (issue
 * 13): the ports of the secrets context (a due secret of a protected
 * environment becomes a change request) and the notifier (SNS email), each
 * checking its variables on first use.
 *
 * @example deps ??= buildAwsRotationDeps(process.env);
 */
export function buildAwsRotationDeps(env: Env): RotationDeps {
  return { ...buildAwsSecretsDeps(env), notifier: onFirstUse(() => notifierFrom(env)) };
}
