import { NotFoundError } from '../../domain/errors.ts';
import type { SecretMetadata, SecretRef } from '../../domain/secrets/secret-model.ts';
import type { SecretsDeps } from './secrets-deps.ts';

/** The head of a secret, or a 404 (also for another tenant's name). */
export async function loadSecret(
  deps: Pick<SecretsDeps, 'secrets'>,
  ref: SecretRef,
): Promise<SecretMetadata> {
  const head = await deps.secrets.get(ref);
  if (!head) throw new NotFoundError(`No secret '${ref.name}' in environment '${ref.env}'`);
  return head;
}
