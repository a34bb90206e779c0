import { ValidationError } from '../../domain/errors.ts';
import type { JsonObject } from '../../domain/json-value.ts';
import type { Principal } from '../../domain/rbac.ts';
import type { IfMatch, SettingsVersion } from '../../domain/settings-version.ts';
import { checkPolicyDocument, type EnvironmentPolicy } from '../../domain/validation/environment-policy.ts';
import type { WriteOutcome } from '../approvals/write-outcome.ts';
import { writeVersionedDocument } from '../effective/versioned-documents.ts';
import type { WriteDeps } from '../settings/write-next-version.ts';

/** Input of {@link putPolicy}. */
export interface PutPolicyInput {
  principal: Principal;
  env: string;
  policy: EnvironmentPolicy;
  reason: string;
  ticket: string | null;
  ifMatch: IfMatch | undefined;
}

/**
 * Sets (a new version of) an environment's policy. Bad quantities or
 * inverted bounds are a 400 listing each; then every configuration in the
 * environment is validated against the new policy (422 on failure).
 *
 * @example await putPolicy(deps, { principal, env: 'prod', policy: { requiredLabels: ['team'] }, reason: 'init', ticket: null, ifMatch: undefined });
 */
export async function putPolicy(
  deps: WriteDeps,
  input: PutPolicyInput,
): Promise<WriteOutcome<SettingsVersion>> {
  const problems = checkPolicyDocument(input.policy, '/body/policy');
  if (problems.length > 0) throw new ValidationError('The policy is not valid', problems);
  return writeVersionedDocument(deps, {
    principal: input.principal,
    collection: 'policies',
    key: `envs/${input.env}`,
    content: input.policy as unknown as JsonObject,
    reason: input.reason,
    ticket: input.ticket,
    ifMatch: input.ifMatch,
  });
}
