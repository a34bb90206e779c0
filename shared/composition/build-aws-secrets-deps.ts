import type { ContextDeps } from '../http/context-ports.ts';
import type { Env } from './aws-approval-ports.ts';
import { writePathPortsFrom } from './aws-document-ports.ts';
import { secretPortsFrom } from './aws-secret-ports.ts';

/**
 * The composition root of the secrets context on AWS (issue 13): tenant
 * documents (environment policies and protection), change requests and the
 * approval workflow for protected environments, and the secret ports, each
 * reached only with credentials vended for the caller's tenant.
 *
 * @example export const handler = lazyHttpHandler(() => createHttpHandler(routesOf('secrets'), buildAwsSecretsDeps(process.env)));
 */
export function buildAwsSecretsDeps(env: Env): ContextDeps<'secrets'> {
  return { ...writePathPortsFrom(env), ...secretPortsFrom(env) };
}
