import { NotFoundError } from '../../domain/errors.ts';
import type { Principal } from '../../domain/rbac.ts';
import { type Scope, scopeKey } from '../../domain/scope.ts';
import type { SettingsVersion } from '../../domain/settings-version.ts';
import type { Deps } from '../deps.ts';
import { settingsRef } from './settings-ref.ts';

/** Input of {@link getSettings}. */
export interface GetSettingsInput {
  principal: Principal;
  scope: Scope;
  /** A specific version; the latest when absent. */
  version?: number | undefined;
}

/**
 * Reads the latest (or one specific) version of a settings layer.
 *
 * @example const v = await getSettings(deps, { principal, scope: { kind: 'global' } });
 */
export async function getSettings(
  deps: Pick<Deps, 'documents'>,
  input: GetSettingsInput,
): Promise<SettingsVersion> {
  const ref = settingsRef(input.principal.tenantId, input.scope);
  const found =
    input.version === undefined
      ? await deps.documents.latest(ref)
      : await deps.documents.get(ref, input.version);
  if (found === null) {
    const what = input.version === undefined ? 'No settings' : `No version ${input.version}`;
    throw new NotFoundError(`${what} at ${scopeKey(input.scope)}`);
  }
  return found;
}
