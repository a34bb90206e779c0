import type { JsonObject } from '../domain/json-value.ts';
import type { SettingsVersion } from '../domain/settings-version.ts';

/**
 * Which versioned document: a tenant's settings layer, and later its
 * profiles, schemas and policies, all stored the same way.
 */
export interface DocumentRef {
  tenantId: string;
  /** `settings`, `profiles`, `schemas`, `policies` ... */
  collection: string;
  /** The document's key inside the collection, e.g. a scope key `envs/dev`. */
  key: string;
}

/** A page of versions, newest first. */
export interface VersionPage {
  items: SettingsVersion[];
  /** Pass as `before` to get the next (older) page; `null` on the last page. */
  next: number | null;
}

/** A document's latest version as the tenant's projection of latest contents holds it. */
export interface ProjectedDocument {
  collection: string;
  key: string;
  version: number;
  author: string;
  createdAt: string;
  contentHash: string;
  content: JsonObject;
}

/** Options of {@link DocumentStore.latestAll}. */
export interface LatestAllOptions {
  /**
   * Documents whose announcements the caller does not need checked: the one
   * it is writing itself (its own announcement, in flight alongside this
   * read, must not cost a check; the write path reads that document anyway).
   */
  unchecked?: readonly { collection: string; key: string }[];
}

/** Options of {@link DocumentStore.append}. */
export interface AppendOptions {
  /**
   * The token {@link DocumentStore.announce} returned for this write. Without
   * it, `append` announces the write itself first (one more sequential call).
   */
  announced?: string;
  /**
   * Puts the version first, then the projection update and the change item
   * (one more round). Without it the three go together, so the write cannot
   * tell readers that its version landed: its announcement stays until a
   * reader checks the version, and processes that keep a copy of the
   * projection check the version of each change they did not write. For
   * bulk loads, whose readers would otherwise check every document.
   */
  bulk?: boolean;
}

/**
 * Append-only store of immutable document versions. Implementations must
 * make {@link DocumentStore.append} atomic and conditional: it writes version
 * N only if no version N exists, so two writers can never both win.
 */
export interface DocumentStore {
  /** The newest version, or `null` when the document has none. */
  latest(ref: DocumentRef): Promise<SettingsVersion | null>;
  /** One version, or `null`. */
  get(ref: DocumentRef, version: number): Promise<SettingsVersion | null>;
  /** Versions newest first, `limit` at most, older than `before` when given. */
  list(
    ref: DocumentRef,
    options: { limit: number; before?: number; withContent?: boolean },
  ): Promise<VersionPage>;
  /**
   * Writes a new version. Throws {@link VersionTakenError} when that version
   * number already exists (another writer won the race).
   */
  append(ref: DocumentRef, version: SettingsVersion, options?: AppendOptions): Promise<void>;
  /**
   * Records, before a write of `ref` (in the same round trip as the write
   * path's reads), that the tenant's projection of latest contents may lag
   * behind that document until the write settles. Readers of the projection
   * check announced documents against their versions and repair what lags
   * (a crash between the version put and the projection put). Returns the
   * token to pass to {@link DocumentStore.append}. Idempotent; an announced
   * write that never happens costs one check by a later reader.
   */
  announce(ref: DocumentRef): Promise<string>;
  /**
   * Withdraws an announcement whose write will not append (a no-op write, a
   * change request opened instead), so that readers of the projection need
   * not check the document. Idempotent.
   */
  withdraw(ref: DocumentRef, announced: string): Promise<void>;
  /**
   * The latest version of every document of a tenant (or of one
   * collection), with content, from the tenant's projection of latest
   * contents: a paginated Query whose number of requests grows with the
   * bytes read (one per MB), not with the number of documents. Announced
   * writes are checked against the versions (bounded concurrency) and a
   * lagging projection is repaired before answering. A collection whose
   * projection was never built (data written before it existed) is built
   * from its versions on first read. Sorted by collection, then key.
   */
  latestAll(
    tenantId: string,
    collections: readonly string[],
    options?: LatestAllOptions,
  ): Promise<ProjectedDocument[]>;
  /**
   * The keys of every document of a tenant's collection that has (or is
   * being given) a version, sorted. One Query on AWS: the store keeps one
   * small catalog item per document, written before its version 1, so the
   * list may name a document whose first write then failed (readers treat
   * it as absent) but never misses one that exists. With `prefix`, only the
   * keys that start with it (a `begins_with` key condition: a write of one
   * service lists only what lies below it).
   */
  listKeys(tenantId: string, collection: string, options?: { prefix?: string }): Promise<string[]>;
}

/**
 * An announced write older than this has settled or died: a reader of the
 * projection that finds the document consistent may remove its
 * announcement. Far above any write's duration (the API's functions time
 * out after 10 s), so a reader never removes the announcement of a write
 * still between its version put and its projection update.
 */
export const ANNOUNCEMENT_SETTLE_MS = 60_000;

/** Raised by {@link DocumentStore.append} when the version number is already taken. */
export class VersionTakenError extends Error {
  constructor(readonly version: number) {
    super(`version ${version} already exists`);
    this.name = 'VersionTakenError';
  }
}
