import type { ContextDeps } from '../http/context-ports.ts';
import type { Env } from './aws-approval-ports.ts';
import { writePathPortsFrom } from './aws-document-ports.ts';
import { secretPortsOnFirstUse } from './lazy-secret-ports.ts';

/**
 * The composition root of the settings context on AWS: tenant data (reached
 * only with credentials vended per tenant: STS AssumeRole of
 * `PLUMBLINE_TENANT_ROLE_ARN` with a `dynamodb:LeadingKeys` session policy,
 * never with the function's own role), and what the write path's approval
 * step needs to open a change request (the Step Functions client loads on
 * the first protected write). Each port checks its variables on its first
 * use: a misconfigured function fails closed there, naming what is missing.
 *
 * @example export const handler = lazyHttpHandler(() => createHttpHandler(settingsContextRoutes, buildAwsSettingsDeps(process.env)));
 */
export function buildAwsSettingsDeps(env: Env): ContextDeps<'settings'> {
  return {
    ...writePathPortsFrom(env),
    // Secret references: versions in effective views, `?resolveSecrets=true`, existence checks (issue 13).
    // Only content that references a secret reads one: the wiring loads with the first.
    ...secretPortsOnFirstUse(env),
  };
}
