import type { JsonObject } from '../../domain/json-value.ts';
import type { Principal } from '../../domain/rbac.ts';
import type { Scope } from '../../domain/scope.ts';
import type { IfMatch, SettingsVersion } from '../../domain/settings-version.ts';
import { mapWritten, type WriteOutcome } from '../approvals/write-outcome.ts';
import { validatorFor } from '../effective/validate-changes.ts';
import { settingsRef } from './settings-ref.ts';
import { type WriteDeps, writeNextVersion } from './write-next-version.ts';

/** What a settings write did: the version now current, and whether this write created it. */
export interface SettingsWrite {
  record: SettingsVersion;
  /** `false` for a no-op write (content equal to the latest version's): nothing was written. */
  created: boolean;
}

/** Who writes a settings layer, why, and against which version. */
export interface SettingsLayerWrite {
  principal: Principal;
  scope: Scope;
  reason: string;
  ticket: string | null;
  ifMatch: IfMatch | undefined;
  mode: 'create-or-replace' | 'existing';
  /** Answer a write that changes nothing with the latest version instead of a new, identical one. */
  skipUnchanged?: boolean | undefined;
  /** For a rollback: the version whose content is restored. */
  rollbackOf?: number;
}

/**
 * Writes a settings layer through the one write path, validated against
 * every configuration it changes, and says whether a version was created.
 *
 * @example const { record, created } = await writeSettingsLayer(deps, { principal, scope, reason: 'x', ticket: null, ifMatch: 2, mode: 'existing', skipUnchanged: true }, (latest) => ({ ...latest?.content, a: 1 }));
 */
export async function writeSettingsLayer(
  deps: WriteDeps,
  write: SettingsLayerWrite,
  derive: (latest: SettingsVersion | null) => Promise<JsonObject> | JsonObject,
): Promise<WriteOutcome<SettingsWrite>> {
  const ref = settingsRef(write.principal.tenantId, write.scope);
  let seen: SettingsVersion | null = null;
  const outcome = await writeNextVersion(
    deps,
    ref,
    { ifMatch: write.ifMatch, mode: write.mode, ...(write.skipUnchanged ? { skipUnchanged: true } : {}) },
    {
      author: write.principal.userId,
      ...(write.principal.email ? { authorEmail: write.principal.email } : {}),
      reason: write.reason,
      ticket: write.ticket,
      createdAt: deps.clock.now().toISOString(),
      ...(write.rollbackOf === undefined ? {} : { rollbackOf: write.rollbackOf }),
    },
    (latest) => {
      seen = latest;
      return derive(latest);
    },
    { validate: validatorFor(deps, write.principal.tenantId, 'settings', ref.key) },
  );
  return mapWritten(outcome, (record) => ({ record, created: record !== seen }));
}
