import type { ContextDeps } from '../http/context-ports.ts';
import type { ServiceAccountDirectory } from '../ports/service-account-directory.ts';
import { type Env, tenantTableOnFirstUseFrom } from './aws-approval-ports.ts';
import { basePortsFrom } from './base-ports.ts';
import { ENV } from './env-vars.ts';
import { lazyPort } from './lazy-port.ts';
import { requireEnv } from './require-env.ts';

/**
 * The composition root of the service-accounts context on AWS (issue 15):
 * Cognito app clients of the user pool, their tenant and roles as items
 * under the caller's tenant (token vending). The Cognito SDK client and the
 * adapter load on the first call.
 *
 * @example export const handler = lazyHttpHandler(() => createHttpHandler(routesOf('service-accounts'), buildAwsServiceAccountsDeps(process.env)));
 */
export function buildAwsServiceAccountsDeps(env: Env): ContextDeps<'service-accounts'> {
  const table = tenantTableOnFirstUseFrom(env);
  const directory = lazyPort<ServiceAccountDirectory>(async () => {
    const [userPoolId, scope, tokenUrl] = requireEnv(env, [
      ENV.userPoolId,
      ENV.serviceAccountScope,
      ENV.tokenUrl,
    ]) as [string, string, string];
    const { cognitoServiceAccountDirectoryFrom } = await import(
      '../adapters/aws/cognito-service-account-directory.ts'
    );
    return cognitoServiceAccountDirectoryFrom({
      userPoolId,
      scope,
      tokenUrl,
      ...table,
    });
  });
  // `tokenUrl()` is synchronous, so it cannot go through the lazy proxy (whose methods all return promises).
  const serviceAccounts: ServiceAccountDirectory = {
    tokenUrl: () => requireEnv(env, [ENV.tokenUrl])[0] as string,
    create: (input) => directory.create(input),
    list: (tenantId) => directory.list(tenantId),
    get: (tenantId, id) => directory.get(tenantId, id),
    rotate: (tenantId, id) => directory.rotate(tenantId, id),
    delete: (tenantId, id) => directory.delete(tenantId, id),
  };
  return { ...basePortsFrom(env), serviceAccounts };
}
