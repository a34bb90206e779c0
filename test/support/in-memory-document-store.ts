import type { SettingsVersion } from '../../shared/domain/settings-version.ts';
import {
  type DocumentRef,
  type DocumentStore,
  type VersionPage,
  VersionTakenError,
} from '../../shared/ports/document-store.ts';

/** A DocumentStore in a Map, for fast unit tests; the contract suite proves it behaves like DynamoDB's. */
export class InMemoryDocumentStore implements DocumentStore {
  readonly #docs = new Map<string, SettingsVersion[]>();

  #versions(ref: DocumentRef): SettingsVersion[] {
    const key = `${ref.tenantId}#${ref.collection}#${ref.key}`;
    let list = this.#docs.get(key);
    if (!list) {
      list = [];
      this.#docs.set(key, list);
    }
    return list;
  }

  async latest(ref: DocumentRef): Promise<SettingsVersion | null> {
    return structuredClone(this.#versions(ref).at(-1) ?? null);
  }

  async get(ref: DocumentRef, version: number): Promise<SettingsVersion | null> {
    return structuredClone(this.#versions(ref).find((v) => v.version === version) ?? null);
  }

  async list(
    ref: DocumentRef,
    options: { limit: number; before?: number; withContent?: boolean },
  ): Promise<VersionPage> {
    const newestFirst = [...this.#versions(ref)]
      .reverse()
      .filter((v) => options.before === undefined || v.version < options.before);
    const items = structuredClone(newestFirst.slice(0, options.limit));
    const last = items.at(-1);
    return { items, next: newestFirst.length > options.limit && last ? last.version : null };
  }

  async append(ref: DocumentRef, version: SettingsVersion): Promise<void> {
    const list = this.#versions(ref);
    if (list.some((v) => v.version === version.version)) throw new VersionTakenError(version.version);
    list.push(structuredClone(version));
    list.sort((a, b) => a.version - b.version);
  }

  async listKeys(tenantId: string, collection: string): Promise<string[]> {
    const prefix = `${tenantId}#${collection}#`;
    return [...this.#docs.entries()]
      .filter(([key, versions]) => key.startsWith(prefix) && versions.length > 0)
      .map(([key]) => key.slice(prefix.length))
      .sort();
  }
}
