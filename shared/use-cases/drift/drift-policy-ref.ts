import type { DocumentRef } from '../../ports/document-store.ts';

/** The collection of drift policies (one versioned document per environment, key `envs/<env>`). */
export const DRIFT_POLICIES_COLLECTION = 'drift-policies';

/** The document of an environment's drift policy. */
export function driftPolicyRef(tenantId: string, env: string): DocumentRef {
  return { tenantId, collection: DRIFT_POLICIES_COLLECTION, key: `envs/${env}` };
}
