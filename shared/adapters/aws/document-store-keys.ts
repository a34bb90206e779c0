import type { DocumentRef } from '../../ports/document-store.ts';

// The keys of the document store's items on its one table. Every key starts with the tenant id, so
// IAM `dynamodb:LeadingKeys` can fence a tenant in. The change log's keys are in projection-changes.ts.

/** Partition key of a document: starts with the tenant id (IAM LeadingKeys). */
export function partitionKey(ref: DocumentRef): string {
  return `${ref.tenantId}#${ref.collection}#${ref.key}`;
}

/** Sort key of a version: zero-padded so that string order is numeric order. */
export function sortKey(version: number): string {
  return `v#${String(version).padStart(12, '0')}`;
}

/**
 * Partition key of a tenant's projection of latest contents: one item per
 * document (sort key {@link projectionSortKey}) holding its latest version,
 * its content and the ids of writes announced and not yet settled
 * (`pending`), plus one marker item per built collection. Starts with the tenant id (IAM LeadingKeys).
 */
export function projectionKey(tenantId: string): string {
  return `${tenantId}#!latest`;
}

/** Sort key of a document in its tenant's projection. */
export function projectionSortKey(collection: string, key: string): string {
  return `${collection}#${key}`;
}

/** The key of a document's item in its tenant's projection. */
export function projectionItemKey(ref: DocumentRef): { pk: string; sk: string } {
  return { pk: projectionKey(ref.tenantId), sk: projectionSortKey(ref.collection, ref.key) };
}

/**
 * Partition key of a tenant's catalog of one collection (one item per
 * document, sort key = document key). `!` cannot start a collection name,
 * so it never collides with a document's partition key.
 */
export function catalogKey(tenantId: string, collection: string): string {
  return `${tenantId}#!catalog#${collection}`;
}
