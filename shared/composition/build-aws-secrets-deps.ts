import type { ContextDeps } from '../http/context-ports.ts';
import {
  changeRequestStoreFrom,
  type Env,
  onFirstUse,
  tenantTableOnFirstUseFrom,
} from './aws-approval-ports.ts';
import { documentStoreFrom } from './aws-document-ports.ts';
import { secretPortsFrom } from './aws-secret-ports.ts';
import { basePortsFrom } from './base-ports.ts';

/**
 * The composition root of the secrets context on AWS (issue 13): tenant
 * documents (environment policies and protection), change requests and the
 * approval workflow for protected environments, and the secret ports, each
 * reached only with credentials vended for the caller's tenant.
 *
 * @example export const handler = lazyHttpHandler(() => createHttpHandler(routesOf('secrets'), buildAwsSecretsDeps(process.env)));
 */
export function buildAwsSecretsDeps(env: Env): ContextDeps<'secrets'> {
  const table = tenantTableOnFirstUseFrom(env);
  return {
    ...basePortsFrom(env),
    documents: documentStoreFrom(table),
    changeRequests: changeRequestStoreFrom(table),
    workflows: onFirstUse(async () =>
      (await import('./aws-approval-step-ports.ts')).workflowGatewayFrom(env),
    ),
    ...secretPortsFrom(env),
  };
}
