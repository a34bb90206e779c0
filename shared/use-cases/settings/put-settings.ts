import type { JsonObject } from '../../domain/json-value.ts';
import type { Principal } from '../../domain/rbac.ts';
import type { Scope } from '../../domain/scope.ts';
import type { IfMatch } from '../../domain/settings-version.ts';
import type { WriteOutcome } from '../approvals/write-outcome.ts';
import type { WriteDeps } from './write-next-version.ts';
import { type SettingsWrite, writeSettingsLayer } from './write-settings-layer.ts';

/** Input of {@link putSettings}. */
export interface PutSettingsInput {
  principal: Principal;
  scope: Scope;
  content: JsonObject;
  reason: string;
  ticket: string | null;
  ifMatch: IfMatch | undefined;
  /** An identical PUT writes nothing and answers with the latest version (the API's default; `?allowEmpty=true` turns it off). */
  skipUnchanged?: boolean | undefined;
}

/**
 * Replaces a settings layer with new content, creating version 1 or N+1
 * (or, with `skipUnchanged`, nothing when the content is what is there).
 *
 * @example const { record } = await putSettings(deps, { principal, scope, content: { a: 1 }, reason: 'init', ticket: null, ifMatch: undefined });
 */
export async function putSettings(
  deps: WriteDeps,
  input: PutSettingsInput,
): Promise<WriteOutcome<SettingsWrite>> {
  return writeSettingsLayer(deps, { ...input, mode: 'create-or-replace' }, () => input.content);
}
