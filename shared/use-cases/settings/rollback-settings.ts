import { NotFoundError } from '../../domain/errors.ts';
import type { Principal } from '../../domain/rbac.ts';
import { type Scope, scopeKey } from '../../domain/scope.ts';
import type { IfMatch, SettingsVersion } from '../../domain/settings-version.ts';
import { mapWritten, type WriteOutcome } from '../approvals/write-outcome.ts';
import { settingsRef } from './settings-ref.ts';
import type { WriteDeps } from './write-next-version.ts';
import { writeSettingsLayer } from './write-settings-layer.ts';

/** Input of {@link rollbackSettings}. */
export interface RollbackSettingsInput {
  principal: Principal;
  scope: Scope;
  toVersion: number;
  reason: string;
  /** Absent: a 428 naming the current version (or a 404 when there is no document). */
  ifMatch: IfMatch | undefined;
}

/**
 * Rolls a layer back: writes a new version whose content is that of an
 * earlier version, with its own reason, recording `rollbackOf`. History is
 * never rewritten.
 *
 * @example await rollbackSettings(deps, { principal, scope, toVersion: 2, reason: 'bad deploy', ifMatch: 5 });
 */
export async function rollbackSettings(
  deps: WriteDeps,
  input: RollbackSettingsInput,
): Promise<WriteOutcome<SettingsVersion>> {
  const ref = settingsRef(input.principal.tenantId, input.scope);
  // Why in parallel: the old version and the latest one are independent reads, so the
  // rollback costs one sequential round trip before its conditional put, not two.
  const target = deps.documents.get(ref, input.toVersion);
  target.catch(() => undefined); // handled below; avoids an unhandled rejection if the guard fails first
  const outcome = await writeSettingsLayer(
    deps,
    { ...input, ticket: null, mode: 'existing', rollbackOf: input.toVersion },
    async () => {
      const old = await target;
      if (old === null) throw new NotFoundError(`No version ${input.toVersion} at ${scopeKey(input.scope)}`);
      return old.content;
    },
  );
  return mapWritten(outcome, ({ record }) => record);
}
