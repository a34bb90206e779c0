import { profileContentViolations } from '../../domain/documents/profile-content.ts';
import { ValidationError } from '../../domain/errors.ts';
import type { JsonObject } from '../../domain/json-value.ts';
import type { Principal } from '../../domain/rbac.ts';
import type { IfMatch, SettingsVersion } from '../../domain/settings-version.ts';
import type { WriteOutcome } from '../approvals/write-outcome.ts';
import { writeVersionedDocument } from '../effective/versioned-documents.ts';
import type { WriteDeps } from '../settings/write-next-version.ts';

/** Input of {@link putProfile}. */
export interface PutProfileInput {
  principal: Principal;
  name: string;
  content: JsonObject;
  reason: string;
  ticket: string | null;
  ifMatch: IfMatch | undefined;
}

/**
 * Creates or replaces a resource profile (a new version). A profile cannot
 * pull in another profile. Every configuration that references it is
 * re-validated with the new content first; a failure is a 422.
 *
 * @example await putProfile(deps, { principal, name: 'minimal', content: { replicas: 1 }, reason: 'init', ticket: null, ifMatch: undefined });
 */
export async function putProfile(
  deps: WriteDeps,
  input: PutProfileInput,
): Promise<WriteOutcome<SettingsVersion>> {
  const nested = profileContentViolations(input.content, '/body/content');
  if (nested.length > 0) throw new ValidationError('A profile cannot reference another profile', nested);
  return writeVersionedDocument(deps, { ...input, collection: 'profiles', key: input.name });
}
