import { ValidationError } from '../../domain/errors.ts';
import { applyJsonPatch, applyMergePatch } from '../../domain/json-patch.ts';
import { isJsonObject, type JsonValue } from '../../domain/json-value.ts';
import type { Principal } from '../../domain/rbac.ts';
import type { Scope } from '../../domain/scope.ts';
import type { IfMatch } from '../../domain/settings-version.ts';
import type { WriteOutcome } from '../approvals/write-outcome.ts';
import type { WriteDeps } from './write-next-version.ts';
import { type SettingsWrite, writeSettingsLayer } from './write-settings-layer.ts';

/** The two partial-update formats. */
export type PatchFormat = 'merge-patch' | 'json-patch';

/** Input of {@link patchSettings}. */
export interface PatchSettingsInput {
  principal: Principal;
  scope: Scope;
  format: PatchFormat;
  /** An RFC 7396 merge patch (an object) or an RFC 6902 patch (an array of operations). */
  patch: JsonValue;
  reason: string;
  ticket: string | null;
  /** Absent: a 428 naming the current version (or a 404 when there is no document). */
  ifMatch: IfMatch | undefined;
  /** An empty patch writes nothing and answers with the latest version (the API's default; `?allowEmpty=true` turns it off). */
  skipUnchanged?: boolean | undefined;
}

/**
 * Applies an RFC 7396 merge patch or an RFC 6902 JSON Patch to the latest
 * version and writes the result as a new version. A failing `test` op is a
 * conflict and writes nothing.
 *
 * @example const { record, created } = await patchSettings(deps, { principal, scope, format: 'merge-patch', patch: { a: null }, reason: 'drop a', ticket: null, ifMatch: 2 });
 */
export async function patchSettings(
  deps: WriteDeps,
  input: PatchSettingsInput,
): Promise<WriteOutcome<SettingsWrite>> {
  if (input.format === 'merge-patch' && !isJsonObject(input.patch)) {
    throw new ValidationError('A merge patch for settings must be a JSON object', [
      {
        pointer: '/body',
        rule: 'type',
        message: 'expected an object',
        hint: 'Use application/json-patch+json for an array of operations',
      },
    ]);
  }
  return writeSettingsLayer(deps, { ...input, mode: 'existing' }, (latest) => {
    const current = latest?.content ?? {};
    if (input.format === 'json-patch') return applyJsonPatch(current, input.patch);
    const merged = applyMergePatch(current, input.patch);
    return isJsonObject(merged) ? merged : {};
  });
}
