import { NotFoundError } from '../../domain/errors.ts';
import { diffDocuments, keysTouchedPercent, type PatchOperation } from '../../domain/json-patch.ts';
import type { Principal } from '../../domain/rbac.ts';
import { type Scope, scopeKey } from '../../domain/scope.ts';
import type { Deps } from '../deps.ts';
import { settingsRef } from './settings-ref.ts';

/** Input of {@link diffSettingsVersions}. */
export interface DiffSettingsInput {
  principal: Principal;
  scope: Scope;
  from: number;
  to: number;
}

/** The RFC 6902 patch between two versions of a layer. */
export interface SettingsDiff {
  from: number;
  to: number;
  patch: PatchOperation[];
  keysTouchedPercent: number;
}

/**
 * Diffs any two versions of a layer (either order); the two reads run in parallel.
 *
 * @example const d = await diffSettingsVersions(deps, { principal, scope, from: 1, to: 3 });
 */
export async function diffSettingsVersions(
  deps: Pick<Deps, 'documents'>,
  input: DiffSettingsInput,
): Promise<SettingsDiff> {
  const ref = settingsRef(input.principal.tenantId, input.scope);
  const [a, b] = await Promise.all([deps.documents.get(ref, input.from), deps.documents.get(ref, input.to)]);
  const missing = [a === null ? input.from : null, b === null ? input.to : null].filter((v) => v !== null);
  if (a === null || b === null) {
    throw new NotFoundError(`No version ${missing.join(' or ')} at ${scopeKey(input.scope)}`);
  }
  return {
    from: input.from,
    to: input.to,
    patch: diffDocuments(a.content, b.content),
    keysTouchedPercent: keysTouchedPercent(a.content, b.content),
  };
}
