import type { JsonObject } from '../../domain/json-value.ts';
import type { Principal } from '../../domain/rbac.ts';
import { type Scope, scopeKey } from '../../domain/scope.ts';
import type { IfMatch, SettingsVersion } from '../../domain/settings-version.ts';
import type { Deps } from '../deps.ts';
import { validatorFor } from '../effective/validate-changes.ts';
import { settingsRef } from './settings-ref.ts';
import { writeNextVersion } from './write-next-version.ts';

/** Input of {@link putSettings}. */
export interface PutSettingsInput {
  principal: Principal;
  scope: Scope;
  content: JsonObject;
  reason: string;
  ticket: string | null;
  ifMatch: IfMatch | undefined;
}

/**
 * Replaces a settings layer with new content, creating version 1 or N+1.
 *
 * @example await putSettings(deps, { principal, scope, content: { a: 1 }, reason: 'init', ticket: null, ifMatch: undefined });
 */
export async function putSettings(
  deps: Pick<Deps, 'documents' | 'clock'>,
  input: PutSettingsInput,
): Promise<SettingsVersion> {
  return writeNextVersion(
    deps,
    settingsRef(input.principal.tenantId, input.scope),
    { ifMatch: input.ifMatch, mode: 'create-or-replace' },
    {
      author: input.principal.userId,
      reason: input.reason,
      ticket: input.ticket,
      createdAt: deps.clock.now().toISOString(),
    },
    () => input.content,
    { validate: validatorFor(deps, input.principal.tenantId, 'settings', scopeKey(input.scope)) },
  );
}
