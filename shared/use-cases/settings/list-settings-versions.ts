import { NotFoundError } from '../../domain/errors.ts';
import type { Principal } from '../../domain/rbac.ts';
import { type Scope, scopeKey } from '../../domain/scope.ts';
import { type SettingsVersionSummary, summarize } from '../../domain/settings-version.ts';
import type { Deps } from '../deps.ts';
import { settingsRef } from './settings-ref.ts';

/** Input of {@link listSettingsVersions}. */
export interface ListSettingsVersionsInput {
  principal: Principal;
  scope: Scope;
  limit: number;
  /** Continue below this version (from a cursor). */
  before?: number | undefined;
}

/**
 * Lists a layer's versions newest first, without content, one page at a time.
 *
 * @example const { items, next } = await listSettingsVersions(deps, { principal, scope, limit: 20 });
 */
export async function listSettingsVersions(
  deps: Pick<Deps, 'documents'>,
  input: ListSettingsVersionsInput,
): Promise<{ items: SettingsVersionSummary[]; next: number | null }> {
  const page = await deps.documents.list(settingsRef(input.principal.tenantId, input.scope), {
    limit: input.limit,
    withContent: false,
    ...(input.before === undefined ? {} : { before: input.before }),
  });
  if (page.items.length === 0 && input.before === undefined)
    throw new NotFoundError(`No settings at ${scopeKey(input.scope)}`);
  return { items: page.items.map(summarize), next: page.next };
}
