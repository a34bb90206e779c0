import { randomUUID } from 'node:crypto';
import type { SettingsVersion } from '../../shared/domain/settings-version.ts';
import {
  ANNOUNCEMENT_SETTLE_MS,
  type AppendOptions,
  type DocumentRef,
  type DocumentStore,
  type LatestAllOptions,
  type ProjectedDocument,
  type VersionPage,
  VersionTakenError,
} from '../../shared/ports/document-store.ts';

interface Stored extends SettingsVersion {
  writeId: string;
}

/** A projection item: the latest version (absent while only announced) and the pending announcements. */
interface Projected {
  doc?: ProjectedDocument & { writeId: string };
  pending: Set<string>;
}

/**
 * A DocumentStore in Maps, for fast unit tests; the contract suite proves it
 * behaves like DynamoDB's: versions, catalog, the projection of latest
 * contents with its announced writes.
 */
export class InMemoryDocumentStore implements DocumentStore {
  readonly #docs: Map<string, Stored[]>;
  readonly #projection: Map<string, Projected>;
  readonly #now: () => number;

  /**
   * With `shares`, this store reads and writes the other's Maps: two
   * stores over one table, as two processes over one DynamoDB table.
   * `now` is the clock announcements are dated with.
   */
  constructor(options: { shares?: InMemoryDocumentStore; now?: () => number } = {}) {
    this.#docs = options.shares ? options.shares.#docs : new Map();
    this.#projection = options.shares ? options.shares.#projection : new Map();
    this.#now = options.now ?? Date.now;
  }
  /**
   * Fault injection for the contract suite: while true, an append writes its
   * version and then stops, as a process that crashes between the version put
   * and the projection put would.
   */
  crashBeforeProjection = false;
  /** Fault injection for the contract suite: while true, every version put fails and nothing is stored. */
  failVersionPuts = false;
  /**
   * Fault injection for the contract suite: while true, an append's
   * projection update lands (as DynamoDB's, sent alongside the version put)
   * but its version put fails, and the process dies before taking it back.
   */
  dieAfterFailedVersionPut = false;

  #versions(ref: DocumentRef): Stored[] {
    const key = `${ref.tenantId}#${ref.collection}#${ref.key}`;
    let list = this.#docs.get(key);
    if (!list) {
      list = [];
      this.#docs.set(key, list);
    }
    return list;
  }

  async latest(ref: DocumentRef): Promise<SettingsVersion | null> {
    return strip(this.#versions(ref).at(-1));
  }

  async get(ref: DocumentRef, version: number): Promise<SettingsVersion | null> {
    return strip(this.#versions(ref).find((v) => v.version === version));
  }

  async list(
    ref: DocumentRef,
    options: { limit: number; before?: number; withContent?: boolean },
  ): Promise<VersionPage> {
    const newestFirst = [...this.#versions(ref)]
      .reverse()
      .filter((v) => options.before === undefined || v.version < options.before);
    const items = newestFirst.slice(0, options.limit).map((v) => strip(v) as SettingsVersion);
    const last = items.at(-1);
    return { items, next: newestFirst.length > options.limit && last ? last.version : null };
  }

  async announce(ref: DocumentRef): Promise<string> {
    const writeId = `${this.#now()}-${randomUUID()}`;
    this.#item(ref).pending.add(writeId);
    return writeId;
  }

  async withdraw(ref: DocumentRef, announced: string): Promise<void> {
    this.#item(ref).pending.delete(announced);
  }

  async append(ref: DocumentRef, version: SettingsVersion, options: AppendOptions = {}): Promise<void> {
    const writeId = options.announced ?? (await this.announce(ref));
    if (this.failVersionPuts) throw new Error('injected failure of the version put');
    if (this.dieAfterFailedVersionPut) {
      // As on DynamoDB, the projection update keeps the write's announcement: readers check it.
      this.#project(ref, { ...structuredClone(version), writeId });
      throw new Error('injected failure of the version put, then the process died');
    }
    const list = this.#versions(ref);
    if (list.some((v) => v.version === version.version)) throw new VersionTakenError(version.version);
    const stored = { ...structuredClone(version), writeId };
    list.push(stored);
    list.sort((a, b) => a.version - b.version);
    if (this.crashBeforeProjection) return;
    this.#project(ref, stored);
    this.#item(ref).pending.delete(writeId);
  }

  #item(ref: DocumentRef): Projected {
    const id = projectionId(ref);
    let item = this.#projection.get(id);
    if (!item) {
      item = { pending: new Set() };
      this.#projection.set(id, item);
    }
    return item;
  }

  /** Order-safe: a projection item never goes back to an older version. */
  #project(ref: DocumentRef, version: Stored): void {
    const item = this.#item(ref);
    const seen = item.doc;
    if (
      seen &&
      (seen.version > version.version ||
        (seen.version === version.version && seen.writeId === version.writeId))
    )
      return;
    item.doc = {
      collection: ref.collection,
      key: ref.key,
      version: version.version,
      author: version.author,
      createdAt: version.createdAt,
      contentHash: version.contentHash,
      content: structuredClone(version.content),
      writeId: version.writeId,
    };
  }

  async latestAll(
    tenantId: string,
    collections: readonly string[],
    options: LatestAllOptions = {},
  ): Promise<ProjectedDocument[]> {
    const unchecked = new Set((options.unchecked ?? []).map((d) => `${d.collection}\n${d.key}`));
    const wanted = new Set(collections);
    const found: ProjectedDocument[] = [];
    for (const [id, item] of this.#projection.entries()) {
      const [tenant, collection = '', key = ''] = id.split('\n');
      if (tenant !== tenantId || !wanted.has(collection)) continue;
      const ref = { tenantId, collection, key };
      // An announced document is checked against its versions, and its projection repaired.
      if (item.pending.size > 0 && !unchecked.has(`${collection}\n${key}`)) {
        const versions = this.#versions(ref);
        const seen = item.doc;
        // A projected write whose version never landed (its put failed, its process died) goes.
        if (seen && !versions.some((v) => v.version === seen.version && v.writeId === seen.writeId))
          delete item.doc;
        const latest = versions.at(-1);
        if (latest) this.#project(ref, latest);
        for (const writeId of item.pending)
          if (this.#now() - Number.parseInt(writeId, 10) > ANNOUNCEMENT_SETTLE_MS)
            item.pending.delete(writeId);
      }
      if (item.doc) {
        const { writeId: _, ...doc } = item.doc;
        found.push(structuredClone(doc));
      }
    }
    return found.sort((a, b) =>
      a.collection === b.collection ? compare(a.key, b.key) : compare(a.collection, b.collection),
    );
  }

  /** Test introspection: the version the projection holds for a document (no repair). */
  projectedVersion(ref: DocumentRef): number | null {
    return this.#projection.get(projectionId(ref))?.doc?.version ?? null;
  }

  async listKeys(tenantId: string, collection: string, options: { prefix?: string } = {}): Promise<string[]> {
    const prefix = `${tenantId}#${collection}#${options.prefix ?? ''}`;
    return [...this.#docs.entries()]
      .filter(([key, versions]) => key.startsWith(prefix) && versions.length > 0)
      .map(([key]) => key.slice(`${tenantId}#${collection}#`.length))
      .sort();
  }
}

function projectionId(ref: DocumentRef): string {
  return `${ref.tenantId}\n${ref.collection}\n${ref.key}`;
}

function strip(stored: Stored | undefined): SettingsVersion | null {
  if (!stored) return null;
  const { writeId: _, ...version } = stored;
  return structuredClone(version);
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
