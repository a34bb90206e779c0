import type { DocumentRef } from '../../ports/document-store.ts';

/** The collection holding each environment's protection settings (one versioned document per environment). */
export const ENVIRONMENTS_COLLECTION = 'environments';

/** The document reference of an environment's configuration. */
export function environmentRef(tenantId: string, env: string): DocumentRef {
  return { tenantId, collection: ENVIRONMENTS_COLLECTION, key: env };
}
