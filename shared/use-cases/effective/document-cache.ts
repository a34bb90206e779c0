import type { JsonObject } from '../../domain/json-value.ts';
import type { SettingsVersion } from '../../domain/settings-version.ts';
import type { DocumentStore, LatestAllOptions, ProjectedDocument } from '../../ports/document-store.ts';
import { limitReads } from '../concurrency/limit-reads.ts';

/** The collections that take part in effective settings and their validation. */
export type LayeredCollection = 'settings' | 'profiles' | 'schemas' | 'policies';

/** A document's content as seen by a read: stored, or pending (about to be written). */
export interface SeenDocument {
  /** The stored version; 0 for pending content. */
  version: number;
  author: string;
  createdAt: string;
  content: JsonObject;
  /** The stored content's hash, when the read carried it (not for pending content). */
  contentHash?: string;
  /** True when this is content a write or import proposes, not yet stored. */
  pending: boolean;
}

/** Content a write proposes for one document. */
export interface PendingDocument {
  collection: LayeredCollection;
  key: string;
  content: JsonObject;
}

/** What the preloads of one memo found, and what of the memo is known without waiting. */
interface Preloaded {
  /** Collection -> key -> document found by a preload. */
  found: Map<string, Map<string, SeenDocument | null>>;
  /** Collections whose preload has completed (every document of them is in `found`). */
  complete: Set<string>;
  /** Collection -> key -> the settled value of the memo's entry, where it is known (see {@link DocumentCache.peek}). */
  known: Map<string, Map<string, SeenDocument | null>>;
  /** Collection -> keys of the memo's entries read one by one (known only by waiting). */
  oneByOne: Map<string, Set<string>>;
}

/** What the preloads of each memo found (memos are per request: no tenant shares one). */
const preloads = new WeakMap<Map<string, Promise<SeenDocument | null>>, Preloaded>();

function preloadedOf(reads: Map<string, Promise<SeenDocument | null>>): Preloaded {
  let found = preloads.get(reads);
  if (!found) {
    found = { found: new Map(), complete: new Set(), known: new Map(), oneByOne: new Map() };
    preloads.set(reads, found);
  }
  return found;
}

/** The entry of `map` under `key`, created with `create` when absent. */
function entryOf<K, V>(map: Map<K, V>, key: K, create: () => V): V {
  let entry = map.get(key);
  if (entry === undefined) {
    entry = create();
    map.set(key, entry);
  }
  return entry;
}

/** Memo entry that marks a collection as read whole (no document key contains a newline). */
function completeId(collection: string): string {
  return `\n${collection}`;
}

type Stored = Pick<SettingsVersion, 'version' | 'author' | 'createdAt' | 'content' | 'contentHash'>;

/** The seen document of each frozen stored one (a tenant's cached projection answers the same objects). */
const seenOfFrozen = new WeakMap<Stored, SeenDocument>();

function seenOf(found: Stored | null): SeenDocument | null {
  if (found === null) return null;
  const frozen = Object.isFrozen(found);
  const known = frozen ? seenOfFrozen.get(found) : undefined;
  if (known) return known;
  const seen: SeenDocument = {
    version: found.version,
    author: found.author,
    createdAt: found.createdAt,
    content: found.content,
    contentHash: found.contentHash,
    pending: false,
  };
  if (frozen) seenOfFrozen.set(found, Object.freeze(seen));
  return seen;
}

/**
 * Reads documents of one tenant at most once each (parallel callers share
 * the read), answering with pending content where a write proposes some,
 * and, with `at`, with the version that was current at that instant.
 */
export class DocumentCache {
  readonly #reads: Map<string, Promise<SeenDocument | null>>;
  readonly #pending = new Map<string, JsonObject>();
  /** Collection -> key -> the pending document as {@link DocumentCache.peek} answers it (one object per document). */
  readonly #pendingSeen = new Map<string, Map<string, SeenDocument>>();
  /** The store behind a read limiter: a wide fan-out never holds the whole socket pool. */
  readonly #store: DocumentStore;

  constructor(
    store: DocumentStore,
    readonly tenantId: string,
    pending: readonly PendingDocument[] = [],
    private readonly at?: string,
    /** Pass another cache's {@link DocumentCache.reads} to share its stored reads (same tenant and instant). */
    reads?: Map<string, Promise<SeenDocument | null>>,
  ) {
    this.#store = limitReads(store);
    this.#reads = reads ?? new Map();
    for (const doc of pending) {
      this.#pending.set(`${doc.collection}\n${doc.key}`, doc.content);
      entryOf(this.#pendingSeen, doc.collection, () => new Map()).set(
        doc.key,
        Object.freeze({ version: 0, author: 'pending', createdAt: '', content: doc.content, pending: true }),
      );
    }
  }

  /** The store this cache reads through (behind its read limiter). */
  get store(): DocumentStore {
    return this.#store;
  }

  /** The memo of stored reads, to share with a cache over other pending documents. */
  get reads(): Map<string, Promise<SeenDocument | null>> {
    return this.#reads;
  }

  /**
   * Records a stored read made elsewhere (the write path's read of the
   * latest version), in place of any earlier read of the document.
   */
  remember(collection: LayeredCollection, key: string, found: SettingsVersion | null): void {
    // Why overwrite: the write path's read is of the version itself (strongly consistent); a
    // preloaded projection entry of the document being written may lag behind it.
    const id = `${collection}\n${key}`;
    const seen = seenOf(found);
    this.#reads.set(id, Promise.resolve(seen));
    entryOf(preloadedOf(this.#reads).known, collection, () => new Map()).set(key, seen);
  }

  /**
   * Reads whole collections from the tenant's projection of latest contents
   * (one paginated Query, see `DocumentStore.latestAll`) into the memo: from
   * then on every `get` of those collections, by this cache or any cache
   * sharing its memo, is answered from memory, absent documents included.
   * Only for the latest state (a cache with `at` reads versions instead).
   * Returns the documents read.
   */
  preload(collections: readonly string[], options: LatestAllOptions = {}): Promise<ProjectedDocument[]> {
    if (this.at !== undefined) throw new Error('preload reads the latest state only');
    const missing = collections.filter((c) => !this.#reads.has(completeId(c)));
    const read =
      missing.length === 0 ? Promise.resolve([]) : this.#store.latestAll(this.tenantId, missing, options);
    const done = read.then((docs) => {
      // Why no memo entry per document: `get` and `peek` answer from `found` (thousands of
      // documents, most never asked for one by one).
      const { found, complete } = preloadedOf(this.#reads);
      for (const collection of missing) found.set(collection, new Map());
      for (const doc of docs) found.get(doc.collection)?.set(doc.key, seenOf(doc));
      for (const collection of missing) complete.add(collection);
      return null;
    });
    // Why a marker in the memo: caches sharing it wait for the preload instead of reading one by one.
    for (const collection of missing) this.#reads.set(completeId(collection), done);
    done.catch(() => undefined);
    return read;
  }

  /** The content a write proposes for one document, if any (no read). */
  pendingContent(collection: LayeredCollection, key: string): JsonObject | undefined {
    return this.#pending.get(`${collection}\n${key}`);
  }

  /** The pending documents of a collection. */
  pendingKeys(collection: LayeredCollection): string[] {
    return [...this.#pending.keys()]
      .filter((k) => k.startsWith(`${collection}\n`))
      .map((k) => k.slice(collection.length + 1));
  }

  /** One document, or `null` when it does not exist (at `at`). */
  get(collection: LayeredCollection, key: string): Promise<SeenDocument | null> {
    const id = `${collection}\n${key}`;
    const pending = this.#pending.get(id);
    if (pending)
      return Promise.resolve({
        version: 0,
        author: 'pending',
        createdAt: '',
        content: pending,
        pending: true,
      });
    let read = this.#reads.get(id);
    if (!read) {
      const preloaded = this.#reads.get(completeId(collection));
      if (preloaded)
        read = preloaded.then(() => preloadedOf(this.#reads).found.get(collection)?.get(key) ?? null);
      else {
        read = this.#read({ tenantId: this.tenantId, collection, key }).then(seenOf);
        entryOf(preloadedOf(this.#reads).oneByOne, collection, () => new Set()).add(key);
      }
      this.#reads.set(id, read);
    }
    return read;
  }

  /**
   * The answer {@link DocumentCache.get} would give, when it is known
   * without waiting (pending content, a completed preload, a remembered
   * read); `undefined` otherwise. Lets a caller that validates thousands of
   * configurations from memory skip a promise per document.
   */
  peek(collection: LayeredCollection, key: string): SeenDocument | null | undefined {
    // Why maps per collection: no id string is built (this runs for every layer of thousands of configurations).
    const pending = this.#pendingSeen.get(collection)?.get(key);
    if (pending) return pending;
    const { found, complete, known, oneByOne } = preloadedOf(this.#reads);
    const remembered = known.get(collection);
    if (remembered?.has(key)) return remembered.get(key);
    // Read one by one: known only by waiting.
    if (oneByOne.get(collection)?.has(key)) return undefined;
    if (!complete.has(collection)) return undefined;
    return found.get(collection)?.get(key) ?? null;
  }

  async #read(ref: { tenantId: string; collection: string; key: string }): Promise<SettingsVersion | null> {
    const latest = await this.#store.latest(ref);
    if (this.at === undefined || latest === null || latest.createdAt <= this.at) return latest;
    return versionAt(this.#store, ref, this.at);
  }
}

/**
 * The version of a document that was current at `at` (the newest created at
 * or before it), or `null` when it did not exist yet. Walks the history
 * newest first without content, then reads the one version.
 */
export async function versionAt(
  store: DocumentStore,
  ref: { tenantId: string; collection: string; key: string },
  at: string,
): Promise<SettingsVersion | null> {
  let before: number | undefined;
  for (;;) {
    const page = await store.list(ref, {
      limit: 100,
      withContent: false,
      ...(before === undefined ? {} : { before }),
    });
    const hit = page.items.find((item) => item.createdAt <= at);
    if (hit) return store.get(ref, hit.version);
    if (page.next === null) return null;
    before = page.next;
  }
}
