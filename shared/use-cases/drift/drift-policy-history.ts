import { NotFoundError } from '../../domain/errors.ts';
import { diffDocuments, keysTouchedPercent, type PatchOperation } from '../../domain/json-patch.ts';
import type { Principal } from '../../domain/rbac.ts';
import {
  type IfMatch,
  type SettingsVersion,
  type SettingsVersionSummary,
  summarize,
} from '../../domain/settings-version.ts';
import type { WriteOutcome } from '../approvals/write-outcome.ts';
import type { Deps } from '../deps.ts';
import { type WriteDeps, writeNextVersion } from '../settings/write-next-version.ts';
import { driftPolicyRef } from './drift-policy-ref.ts';

/**
 * Versions of an environment's drift policy, newest first, without content.
 *
 * @example const { items } = await listDriftPolicyVersions(deps, principal, 'prod', { limit: 20 });
 */
export async function listDriftPolicyVersions(
  deps: Pick<Deps, 'documents'>,
  principal: Principal,
  env: string,
  page: { limit: number; before?: number | undefined },
): Promise<{ items: SettingsVersionSummary[]; next: number | null }> {
  const found = await deps.documents.list(driftPolicyRef(principal.tenantId, env), {
    limit: page.limit,
    withContent: false,
    ...(page.before === undefined ? {} : { before: page.before }),
  });
  if (found.items.length === 0 && page.before === undefined) {
    throw new NotFoundError(`No drift policy for environment '${env}'`);
  }
  return { items: found.items.map(summarize), next: found.next };
}

/**
 * The RFC 6902 patch between two versions of a drift policy.
 *
 * @example await diffDriftPolicyVersions(deps, principal, 'prod', 1, 3);
 */
export async function diffDriftPolicyVersions(
  deps: Pick<Deps, 'documents'>,
  principal: Principal,
  env: string,
  from: number,
  to: number,
): Promise<{ from: number; to: number; patch: PatchOperation[]; keysTouchedPercent: number }> {
  const ref = driftPolicyRef(principal.tenantId, env);
  const [a, b] = await Promise.all([deps.documents.get(ref, from), deps.documents.get(ref, to)]);
  if (a === null || b === null) {
    const missing = [a === null ? from : null, b === null ? to : null].filter((n) => n !== null);
    throw new NotFoundError(`No version ${missing.join(' or ')} of the drift policy of '${env}'`);
  }
  return {
    from,
    to,
    patch: diffDocuments(a.content, b.content),
    keysTouchedPercent: keysTouchedPercent(a.content, b.content),
  };
}

/**
 * Rolls a drift policy back: a new version with an earlier version's
 * content (`rollbackOf`), through the one write path (a change request in a
 * protected environment).
 *
 * @example await rollbackDriftPolicy(deps, { principal, env: 'prod', toVersion: 2, reason: 'too noisy', ifMatch: 4 });
 */
export function rollbackDriftPolicy(
  deps: WriteDeps,
  input: {
    principal: Principal;
    env: string;
    toVersion: number;
    reason: string;
    ifMatch: IfMatch | undefined;
  },
): Promise<WriteOutcome<SettingsVersion>> {
  const ref = driftPolicyRef(input.principal.tenantId, input.env);
  return writeNextVersion(
    deps,
    ref,
    { ifMatch: input.ifMatch, mode: 'existing' },
    {
      author: input.principal.userId,
      reason: input.reason,
      ticket: null,
      createdAt: deps.clock.now().toISOString(),
      rollbackOf: input.toVersion,
    },
    async () => {
      const old = await deps.documents.get(ref, input.toVersion);
      if (old === null)
        throw new NotFoundError(`No version ${input.toVersion} of the drift policy of '${input.env}'`);
      return old.content;
    },
  );
}

/**
 * The latest (or one) version of an environment's drift policy; 404 when absent.
 *
 * @example const found = await getDriftPolicy(deps, principal, 'prod');
 */
export async function getDriftPolicy(
  deps: Pick<Deps, 'documents'>,
  principal: Principal,
  env: string,
  version?: number,
): Promise<SettingsVersion> {
  const ref = driftPolicyRef(principal.tenantId, env);
  const found =
    version === undefined ? await deps.documents.latest(ref) : await deps.documents.get(ref, version);
  if (found === null) {
    throw new NotFoundError(
      version === undefined
        ? `No drift policy for environment '${env}'`
        : `No version ${version} of the drift policy of '${env}'`,
    );
  }
  return found;
}
