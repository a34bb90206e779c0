import type { DriftPolicy } from '../../domain/documents/drift-policy-content.ts';
import type { JsonObject } from '../../domain/json-value.ts';
import type { Principal } from '../../domain/rbac.ts';
import type { IfMatch, SettingsVersion } from '../../domain/settings-version.ts';
import type { WriteOutcome } from '../approvals/write-outcome.ts';
import { type WriteDeps, writeNextVersion } from '../settings/write-next-version.ts';
import { driftPolicyRef } from './drift-policy-ref.ts';

/** Input of {@link putDriftPolicy}. */
export interface PutDriftPolicyInput {
  principal: Principal;
  env: string;
  policy: DriftPolicy;
  reason: string;
  ticket: string | null;
  ifMatch: IfMatch | undefined;
}

/**
 * Sets (a new version of) an environment's drift policy through the one
 * write path: If-Match, a conditional append, and a change request instead
 * of a write in a protected environment. The content was checked at the
 * edge (`DriftPolicyContentSchema`).
 *
 * @example await putDriftPolicy(deps, { principal, env: 'prod', policy: { watch: { namespaces: ['shop'] } }, reason: 'init', ticket: null, ifMatch: undefined });
 */
export function putDriftPolicy(
  deps: WriteDeps,
  input: PutDriftPolicyInput,
): Promise<WriteOutcome<SettingsVersion>> {
  return writeNextVersion(
    deps,
    driftPolicyRef(input.principal.tenantId, input.env),
    { ifMatch: input.ifMatch, mode: 'create-or-replace' },
    {
      author: input.principal.userId,
      reason: input.reason,
      ticket: input.ticket,
      createdAt: deps.clock.now().toISOString(),
    },
    () => input.policy as unknown as JsonObject,
  );
}
