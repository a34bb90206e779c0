import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { DocumentRef } from '../../ports/document-store.ts';
import { ProjectionCache } from './projection-cache.ts';

/** Chooses the DynamoDB client for a tenant (tenant-scoped credentials on AWS, one client locally). */
export type DocumentClientFor = (tenantId: string) => DynamoDBDocumentClient;

/** How a DynamoDB document store is built (see `DynamoDbDocumentStore`). */
export interface DocumentStoreOptions {
  tableName: string;
  clientFor: DocumentClientFor;
  /** The clock announcements and changes are dated with (tests move it). */
  now?: () => number;
  /** Content bytes of tenant snapshots to keep in memory (`latestAll`); 0 keeps none. */
  cacheBytes?: number;
}

/** Heap bytes of tenant snapshots a store keeps by default (estimated from their contents' JSON size). */
const CACHE_BYTES = 32 * 1024 * 1024;

/** Changes this store knows landed (its own successful writes, changes it confirmed) kept at most; then it forgets them all. */
const TRUSTED_CHANGES = 100_000;

/**
 * What the read side and the write side of one DynamoDB document store
 * share: the table, the clients, the clock, the tenant snapshots, the
 * changes known to have landed and the announcements still to settle.
 * One per store; each side's functions take it as their first argument.
 */
export class DocumentStoreState {
  readonly tableName: string;
  readonly clientFor: DocumentClientFor;
  readonly now: () => number;
  readonly cache: ProjectionCache;
  /** `<tenant>#<seq>` of the changes known to name a version that landed (see `confirmChanges`). */
  readonly trusted = new Set<string>();
  /** Per tenant, this store's landed writes whose announcements are still to remove (its next `announce` does). */
  readonly toSettle = new Map<string, { ref: DocumentRef; writeId: string }[]>();

  constructor(options: DocumentStoreOptions) {
    this.tableName = options.tableName;
    this.clientFor = options.clientFor;
    this.now = options.now ?? Date.now;
    this.cache = new ProjectionCache(options.cacheBytes ?? CACHE_BYTES);
  }

  /** Remembers that change `seq` of the tenant names a version that landed. */
  trust(tenantId: string, seq: number): void {
    if (this.trusted.size >= TRUSTED_CHANGES) this.trusted.clear();
    this.trusted.add(`${tenantId}#${seq}`);
  }
}
