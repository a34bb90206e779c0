import type { Deps, PortsOf } from '../use-cases/deps.ts';
import {
  changeRequestStoreFrom,
  documentStoreFrom,
  type Env,
  onFirstUse,
  tenantTableOnFirstUseFrom,
  workflowGatewayFrom,
} from './aws-approval-ports.ts';
import { notifierFrom } from './aws-notifier.ts';
import { secretPortsFrom } from './aws-secret-ports.ts';
import { basePortsFrom } from './base-ports.ts';

/** The ports of the scheduled rotation job. */
export type RotationDeps = PortsOf<
  'documents' | 'changeRequests' | 'workflows' | 'secrets' | 'keys' | 'audit' | 'notifier'
> &
  Pick<Deps, 'clock' | 'logger'>;

/**
 * The composition root of the daily secret rotation function on AWS (issue
 * 13): the secret ports behind tenant sessions, the documents (policies,
 * protection) and approval workflow (a due secret of a protected environment
 * becomes a change request), and the notifier that tells owners.
 *
 * @example export const handler = rotationHandler(buildAwsRotationDeps(process.env));
 */
export function buildAwsRotationDeps(env: Env): RotationDeps {
  const table = tenantTableOnFirstUseFrom(env);
  return {
    ...basePortsFrom(env),
    documents: documentStoreFrom(table),
    changeRequests: changeRequestStoreFrom(table),
    workflows: onFirstUse(() => workflowGatewayFrom(env)),
    notifier: onFirstUse(() => notifierFrom(env)),
    ...secretPortsFrom(env),
  };
}
