import type { ChangeRequest } from '../../domain/approvals/change-request.ts';

/** The change-request collection of secret writes (its key: `envs/<env>/<name>`). */
export const SECRETS_COLLECTION = 'secrets';

/**
 * True for change requests that write a secret version. Apart from
 * `apply-secret-change.ts`, so the Apply step can tell without loading the
 * secret write code, which it imports only for such a request.
 */
export function isSecretChangeRequest(request: ChangeRequest): boolean {
  return request.target.collection === SECRETS_COLLECTION;
}
