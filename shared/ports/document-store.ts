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
  append(ref: DocumentRef, version: SettingsVersion): Promise<void>;
  /**
   * The keys of every document of a tenant's collection that has (or is
   * being given) a version, sorted. One Query on AWS: the store keeps one
   * small catalog item per document, written before its version 1, so the
   * list may name a document whose first write then failed (readers treat
   * it as absent) but never misses one that exists.
   */
  listKeys(tenantId: string, collection: string): Promise<string[]>;
}

/** Raised by {@link DocumentStore.append} when the version number is already taken. */
export class VersionTakenError extends Error {
  constructor(readonly version: number) {
    super(`version ${version} already exists`);
    this.name = 'VersionTakenError';
  }
}
