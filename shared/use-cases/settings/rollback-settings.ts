import { NotFoundError } from '../../domain/errors.ts';
import type { Principal } from '../../domain/rbac.ts';
import { type Scope, scopeKey } from '../../domain/scope.ts';
import type { IfMatch, SettingsVersion } from '../../domain/settings-version.ts';
import type { Deps } from '../deps.ts';
import { validatorFor } from '../effective/validate-changes.ts';
import { settingsRef } from './settings-ref.ts';
import { writeNextVersion } from './write-next-version.ts';

/** Input of {@link rollbackSettings}. */
export interface RollbackSettingsInput {
  principal: Principal;
  scope: Scope;
  toVersion: number;
  reason: string;
  ifMatch: IfMatch;
}

/**
 * Rolls a layer back: writes a new version whose content is that of an
 * earlier version, with its own reason. History is never rewritten.
 *
 * @example await rollbackSettings(deps, { principal, scope, toVersion: 2, reason: 'bad deploy', ifMatch: 5 });
 */
export async function rollbackSettings(
  deps: Pick<Deps, 'documents' | 'clock'>,
  input: RollbackSettingsInput,
): Promise<SettingsVersion> {
  const ref = settingsRef(input.principal.tenantId, input.scope);
  // Why in parallel: the old version and the latest one are independent reads, so the
  // rollback costs one sequential round trip before its conditional put, not two.
  const target = deps.documents.get(ref, input.toVersion);
  target.catch(() => undefined); // handled below; avoids an unhandled rejection if the guard fails first
  return writeNextVersion(
    deps,
    ref,
    { ifMatch: input.ifMatch, mode: 'existing' },
    {
      author: input.principal.userId,
      reason: input.reason,
      ticket: null,
      createdAt: deps.clock.now().toISOString(),
    },
    async () => {
      const old = await target;
      if (old === null) throw new NotFoundError(`No version ${input.toVersion} at ${scopeKey(input.scope)}`);
      return old.content;
    },
    { validate: validatorFor(deps, input.principal.tenantId, 'settings', ref.key) },
  );
}
