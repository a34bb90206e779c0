import {
  ANNOUNCEMENT_SETTLE_MS,
  type LatestAllOptions,
  type ProjectedDocument,
} from '../../ports/document-store.ts';
import { cachedDocument, inChunks, projectionItem, toProjected } from './document-store-items.ts';
import { projectionKey, projectionSortKey } from './document-store-keys.ts';
import type { DocumentStoreState } from './document-store-state.ts';
import { latestItem } from './document-versions.ts';
import type { CachedDocument, TenantSnapshot } from './projection-cache.ts';
import { changesAfter, recentChanges } from './projection-change-log.ts';
import { applyChanges, CHANGE_RETENTION_MS, gapsOf } from './projection-changes.ts';
import { confirm } from './projection-confirmations.ts';
import { queryPages } from './query-pages.ts';

/** Announced documents a reader checks at once (one Query each). */
export const CHECKS_IN_FLIGHT = 16;

/**
 * The latest version of every document of the tenant's `collections`
 * (DocumentStore's `latestAll`): from the tenant's snapshot brought up to
 * date from the change log when this store holds one, else from a read of
 * the projection (kept as the snapshot when it covers several collections).
 */
export async function latestAll(
  state: DocumentStoreState,
  tenantId: string,
  collections: readonly string[],
  options: LatestAllOptions = {},
): Promise<ProjectedDocument[]> {
  const held = state.cache.get(tenantId);
  const fresh = held && state.now() - held.refreshedAt < CHANGE_RETENTION_MS / 2;
  let snapshot: TenantSnapshot | undefined;
  if (held && fresh && collections.every((c) => held.collections.has(c)))
    snapshot = await refresh(state, tenantId, held, options);
  // Why a single collection is read as before: a narrow request (the profiles of one effective
  // read) must not pay for reading the whole tenant just to start a copy.
  else if (collections.length === 1)
    return [...(await readProjection(state, tenantId, collections, options)).values()]
      .map((item) => toProjected(item))
      .sort(byCollectionAndKey);
  else
    snapshot = await fullRead(
      state,
      tenantId,
      [...new Set([...collections, ...(held?.collections ?? [])])],
      options,
    );
  const wanted = new Set(collections);
  return [...snapshot.documents.values()]
    .filter((doc) => wanted.has(doc.collection))
    .map((doc) => doc.answer)
    .sort(byCollectionAndKey);
}

/**
 * Brings a tenant's snapshot up to date from the change log: one Query
 * of the changes after its watermark and the head (one round trip, one
 * request per MB). Changes apply order-safe; a document two writers gave
 * the same version, or a failed write's `recheck`, is read from its
 * versions. A gap (a number handed out, its change not landed) stops the
 * watermark below it while young (its write is in flight: the next read
 * looks again); an old one means a write died between its version put
 * and its change item, and the snapshot is read again whole (its
 * announcement checks see what that write left).
 */
async function refresh(
  state: DocumentStoreState,
  tenantId: string,
  held: TenantSnapshot,
  options: LatestAllOptions,
): Promise<TenantSnapshot> {
  const started = state.now();
  const { changes, head } = await changesAfter(state, tenantId, held.watermark);
  const gaps = gapsOf(changes, held.watermark, head, started, ANNOUNCEMENT_SETTLE_MS);
  if (gaps.anyOld) return fullRead(state, tenantId, [...held.collections], options);
  // Why a copy: a request that is building its answer from the held snapshot keeps what it read.
  const { unchecked, ...kept } = held;
  const snapshot: TenantSnapshot = { ...kept, documents: new Map(held.documents), refreshedAt: started };
  const { apply, held: unconfirmed } = await confirm(state, tenantId, snapshot, changes, started);
  const recheck = applyChanges(snapshot, apply, cachedDocument);
  for (const [sk, doc] of unchecked ?? []) recheck.set(sk, doc);
  await recheckDocuments(state, tenantId, snapshot, recheck);
  snapshot.watermark = Math.min(
    Math.min(gaps.firstYoung ?? Number.POSITIVE_INFINITY, unconfirmed[0] ?? Number.POSITIVE_INFINITY) - 1,
    Math.max(head.seq, changes.at(-1)?.seq ?? 0, held.watermark),
  );
  state.cache.set(tenantId, snapshot);
  return snapshot;
}

/**
 * Reads a tenant's projection whole (as a process with no copy does) and
 * keeps it as the tenant's snapshot. In the same round trip, the change
 * log's recent changes (newest first, down to one older than any write
 * can take): a write in flight during the read may have landed in neither
 * the projection read nor its announcement checks, so those changes are
 * applied on top, and the watermark is the head, stopped below any young
 * gap. Gaps older than that are writes that settled or died before the
 * read began: the read and its checks saw them.
 */
async function fullRead(
  state: DocumentStoreState,
  tenantId: string,
  collections: readonly string[],
  options: LatestAllOptions,
): Promise<TenantSnapshot> {
  const started = state.now();
  const skipped = new Map<string, { collection: string; key: string }>();
  const [projection, recent] = await Promise.all([
    readProjection(state, tenantId, collections, options, skipped),
    recentChanges(state, tenantId, started - ANNOUNCEMENT_SETTLE_MS),
  ]);
  const documents = new Map<string, CachedDocument>();
  for (const [sk, item] of projection) documents.set(sk, cachedDocument(item));
  const snapshot: TenantSnapshot = {
    watermark: 0,
    collections: new Set(collections),
    documents,
    refreshedAt: started,
    // Why: an announced document read unchecked may hold a failed write's content (its announcement
    // was not checked); this request reads it anyway, the copy must not keep it unchecked.
    ...(skipped.size > 0 ? { unchecked: skipped } : {}),
  };
  const { apply, held } = await confirm(state, tenantId, snapshot, recent.changes, started);
  await recheckDocuments(state, tenantId, snapshot, applyChanges(snapshot, apply, cachedDocument));
  const gaps = gapsOf(recent.changes, recent.below, recent.head, started, ANNOUNCEMENT_SETTLE_MS);
  snapshot.watermark = Math.min(
    Math.min(gaps.firstYoung ?? Number.POSITIVE_INFINITY, held[0] ?? Number.POSITIVE_INFINITY) - 1,
    Math.max(recent.head.seq, recent.changes.at(-1)?.seq ?? 0),
  );
  state.cache.set(tenantId, snapshot);
  return snapshot;
}

/** Reads the latest version of each document to recheck (bounded concurrency) into the snapshot. */
async function recheckDocuments(
  state: DocumentStoreState,
  tenantId: string,
  snapshot: TenantSnapshot,
  docs: ReadonlyMap<string, { collection: string; key: string }>,
): Promise<void> {
  await inChunks([...docs], CHECKS_IN_FLIGHT, async ([sk, { collection, key }]) => {
    const latest = await latestItem(state, { tenantId, collection, key });
    if (latest) snapshot.documents.set(sk, cachedDocument(projectionItem(latest)));
    else snapshot.documents.delete(sk);
  });
}

/**
 * The tenant's projection of the requested collections, read whole, with
 * announced documents checked (and repaired) and collections built from
 * their versions where never built. The repairs module loads with the
 * first read that finds an announced document or an unbuilt collection.
 */
async function readProjection(
  state: DocumentStoreState,
  tenantId: string,
  collections: readonly string[],
  options: LatestAllOptions,
  /** Receives the documents left unchecked that were announced (see `TenantSnapshot.unchecked`). */
  skipped?: Map<string, { collection: string; key: string }>,
): Promise<Map<string, Record<string, unknown>>> {
  const unchecked = new Set((options.unchecked ?? []).map((d) => projectionSortKey(d.collection, d.key)));
  // One collection: a prefix Query; several: the whole partition (one request per MB either way).
  const items = await queryProjection(
    state,
    tenantId,
    collections.length === 1 ? `${collections[0]}#` : undefined,
  );
  const wanted = new Set(collections);
  const byKey = new Map<string, Record<string, unknown>>();
  const built = new Set<string>();
  const announced: Record<string, unknown>[] = [];
  for (const item of items) {
    if (!wanted.has(String(item.collection))) continue;
    if (item.built === true) built.add(String(item.collection));
    else {
      if (item.version !== undefined) byKey.set(String(item.sk), item);
      if (item.pending instanceof Set && item.pending.size > 0) {
        if (!unchecked.has(String(item.sk))) announced.push(item);
        else skipped?.set(String(item.sk), { collection: String(item.collection), key: String(item.docKey) });
      }
    }
  }
  const unbuilt = collections.filter((c) => !built.has(c));
  if (announced.length === 0 && unbuilt.length === 0) return byKey;
  const { buildCollection, checkAnnounced } = await import('./projection-repairs.ts');
  await inChunks(announced, CHECKS_IN_FLIGHT, (item) => checkAnnounced(state, item, byKey));
  await Promise.all(unbuilt.map((c) => buildCollection(state, tenantId, c, byKey)));
  return byKey;
}

/** Every item of the projection partition under `prefix` (all pages, one after another). */
async function queryProjection(
  state: DocumentStoreState,
  tenantId: string,
  prefix: string | undefined,
): Promise<Record<string, unknown>[]> {
  const found: Record<string, unknown>[] = [];
  await queryPages(
    state,
    tenantId,
    {
      KeyConditionExpression: prefix === undefined ? 'pk = :pk' : 'pk = :pk AND begins_with(sk, :p)',
      ExpressionAttributeValues:
        prefix === undefined
          ? { ':pk': projectionKey(tenantId) }
          : { ':pk': projectionKey(tenantId), ':p': prefix },
    },
    (items) => {
      found.push(...items);
      return false;
    },
  );
  return found;
}

function byCollectionAndKey(a: ProjectedDocument, b: ProjectedDocument): number {
  return a.collection === b.collection ? compare(a.key, b.key) : compare(a.collection, b.collection);
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
