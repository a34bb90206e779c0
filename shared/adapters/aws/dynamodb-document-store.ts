import type { SettingsVersion } from '../../domain/settings-version.ts';
import type {
  AppendOptions,
  DocumentRef,
  DocumentStore,
  LatestAllOptions,
  ProjectedDocument,
  VersionPage,
} from '../../ports/document-store.ts';
import { type DocumentStoreOptions, DocumentStoreState } from './document-store-state.ts';
import { getVersion, listKeys, listVersions } from './document-versions.ts';
import type { ProjectionCache } from './projection-cache.ts';
import { latestAll } from './projection-reads.ts';

export {
  catalogKey,
  partitionKey,
  projectionKey,
  projectionSortKey,
  sortKey,
} from './document-store-keys.ts';
export type { DocumentClientFor } from './document-store-state.ts';

/** The write side: loaded with a store's first write (see {@link DynamoDbDocumentStore}). */
type DocumentWrites = typeof import('./document-writes.ts');

/** The stores of this process, for {@link dropProjectionCaches}. */
const liveCaches = new Set<WeakRef<ProjectionCache>>();

/**
 * Forgets every tenant snapshot of every store of this process: the next
 * read of each tenant is a full one, as in a fresh process. For the bench's
 * cold figures.
 */
export function dropProjectionCaches(): void {
  for (const ref of liveCaches) {
    const cache = ref.deref();
    if (cache) cache.clear();
    else liveCaches.delete(ref);
  }
}

/**
 * {@link DocumentStore} on one DynamoDB table: one immutable item per
 * version, `pk = <tenant>#<collection>#<key>`, `sk = v#<12-digit version>`.
 * Every key starts with the tenant id, so IAM `dynamodb:LeadingKeys` can
 * fence a tenant in. No transactions: the conditional put of version N is
 * the change, its changelog entry and its hash-chain link at once.
 *
 * The reads are here at load; the write side (`announce`, `append`,
 * `withdraw`, in document-writes.ts) loads with the store's first write,
 * so a function or a request that only reads never loads it. Both sides
 * share one {@link DocumentStoreState}.
 *
 * @example new DynamoDbDocumentStore({ tableName: 'plumbline', clientFor: () => docClient })
 */
export class DynamoDbDocumentStore implements DocumentStore {
  readonly #state: DocumentStoreState;
  #writes: Promise<DocumentWrites> | undefined;

  constructor(options: DocumentStoreOptions) {
    this.#state = new DocumentStoreState(options);
    liveCaches.add(new WeakRef(this.#state.cache));
  }

  async latest(ref: DocumentRef): Promise<SettingsVersion | null> {
    const page = await this.list(ref, { limit: 1, withContent: true });
    return page.items[0] ?? null;
  }

  get(ref: DocumentRef, version: number): Promise<SettingsVersion | null> {
    return getVersion(this.#state, ref, version);
  }

  list(
    ref: DocumentRef,
    options: { limit: number; before?: number; withContent?: boolean },
  ): Promise<VersionPage> {
    return listVersions(this.#state, ref, options);
  }

  listKeys(tenantId: string, collection: string, options: { prefix?: string } = {}): Promise<string[]> {
    return listKeys(this.#state, tenantId, collection, options);
  }

  latestAll(
    tenantId: string,
    collections: readonly string[],
    options: LatestAllOptions = {},
  ): Promise<ProjectedDocument[]> {
    return latestAll(this.#state, tenantId, collections, options);
  }

  async announce(ref: DocumentRef): Promise<string> {
    return (await this.#writer()).announce(this.#state, ref);
  }

  async withdraw(ref: DocumentRef, announced: string): Promise<void> {
    return (await this.#writer()).withdraw(this.#state, ref, announced);
  }

  async append(ref: DocumentRef, version: SettingsVersion, options: AppendOptions = {}): Promise<void> {
    return (await this.#writer()).append(this.#state, ref, version, options);
  }

  /** The write side, imported on first use (the promise kept; a failed load is retried on the next write). */
  #writer(): Promise<DocumentWrites> {
    this.#writes ??= import('./document-writes.ts').catch((error: unknown) => {
      this.#writes = undefined;
      throw error;
    });
    return this.#writes;
  }
}
