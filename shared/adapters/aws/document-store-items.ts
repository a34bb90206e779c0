import { gunzipSync } from 'node:zlib';
import type { JsonObject } from '../../domain/json-value.ts';
import type { SettingsVersion } from '../../domain/settings-version.ts';
import type { ProjectedDocument } from '../../ports/document-store.ts';
import { projectionKey, projectionSortKey } from './document-store-keys.ts';
import { type CachedDocument, frozenContent } from './projection-cache.ts';

/** The attributes of a projection item that come from one version (the rest name the document). */
export const PROJECTED_FIELDS = [
  'version',
  'content',
  'author',
  'createdAt',
  'contentHash',
  'writeId',
] as const;

/** The projection item of a version item: its latest content, without patch or history fields. */
export function projectionItem(version: Record<string, unknown>): Record<string, unknown> {
  return {
    pk: projectionKey(String(version.tenantId)),
    sk: projectionSortKey(String(version.collection), String(version.docKey)),
    tenantId: version.tenantId,
    collection: version.collection,
    docKey: version.docKey,
    version: version.version,
    content: version.content,
    author: version.author,
    createdAt: version.createdAt,
    contentHash: version.contentHash,
    writeId: version.writeId,
  };
}

/** A snapshot's document from a projection (or change) item: its content parsed once and frozen. */
export function cachedDocument(item: Record<string, unknown>): CachedDocument {
  const answer = Object.freeze(toProjected(item, frozenContent(item.content)));
  return { ...answer, writeId: String(item.writeId), answer };
}

/** A document as `latestAll` answers it, from a projection (or version) item. */
export function toProjected(
  item: Record<string, unknown>,
  content: JsonObject = typeof item.content === 'string' ? JSON.parse(item.content) : {},
): ProjectedDocument {
  return {
    collection: String(item.collection),
    key: String(item.docKey),
    version: Number(item.version),
    author: String(item.author),
    createdAt: String(item.createdAt),
    contentHash: String(item.contentHash),
    content,
  };
}

/** A version as the port answers it, from its version item (a large patch is stored gzipped). */
export function fromItem(item: Record<string, unknown>): SettingsVersion {
  const patch =
    typeof item.patch === 'string'
      ? item.patch
      : item.patchGz instanceof Uint8Array
        ? gunzipSync(item.patchGz).toString('utf8')
        : '[]';
  return {
    version: Number(item.version),
    content: typeof item.content === 'string' ? JSON.parse(item.content) : {},
    author: String(item.author),
    createdAt: String(item.createdAt),
    reason: String(item.reason),
    ticket: typeof item.ticket === 'string' ? item.ticket : null,
    patch: JSON.parse(patch),
    keysTouchedPercent: Number(item.keysTouchedPercent),
    contentHash: String(item.contentHash),
    prevHash: typeof item.prevHash === 'string' ? item.prevHash : null,
    ...(typeof item.warnings === 'string' ? { warnings: JSON.parse(item.warnings) } : {}),
    ...(item.rollbackOf === undefined ? {} : { rollbackOf: Number(item.rollbackOf) }),
  };
}

/** Runs `fn` over `items`, `size` at a time. */
export async function inChunks<T>(
  items: readonly T[],
  size: number,
  fn: (item: T) => Promise<void>,
): Promise<void> {
  for (let i = 0; i < items.length; i += size) await Promise.all(items.slice(i, i + size).map(fn));
}
