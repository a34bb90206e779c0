import type { DocumentStore } from '../../../../shared/ports/document-store.ts';
import { driftPolicyRef } from '../../../../shared/use-cases/drift/drift-policy-ref.ts';

/**
 * Stores version 1 of a tenant's `dev` drift policy that watches the `shop`
 * namespace: the least a scan needs to run.
 *
 * @example await storeWatchShopPolicy(documents, 'acme');
 */
export async function storeWatchShopPolicy(documents: DocumentStore, tenantId: string): Promise<void> {
  await documents.append(driftPolicyRef(tenantId, 'dev'), {
    version: 1,
    content: { watch: { namespaces: ['shop'] } },
    author: 'ada',
    createdAt: '2026-05-01T00:00:00.000Z',
    reason: 'watch shop',
    ticket: null,
    patch: [],
    keysTouchedPercent: 100,
    contentHash: 'h1',
    prevHash: null,
  });
}
