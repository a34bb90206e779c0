import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { ANNOUNCEMENT_SETTLE_MS, type DocumentRef } from '../../ports/document-store.ts';
import { inChunks, projectionItem } from './document-store-items.ts';
import { projectionKey, projectionSortKey } from './document-store-keys.ts';
import type { DocumentStoreState } from './document-store-state.ts';
import { latestItem, latestItems, listKeys } from './document-versions.ts';
import { CHECKS_IN_FLIGHT } from './projection-reads.ts';
import { catalog, deleteProjected, project, unannounce } from './projection-updates.ts';

// What a reader of the projection does when it finds an announced document or a collection never
// built: rare (the projection's reads load this module on first need), and best effort.

/** Newest versions an announcement check reads (each announced write found among them has landed). */
const RECENT_VERSIONS_CHECKED = 5;

/**
 * Checks one announced document against its latest version and repairs
 * its projection when it lags (a crash between the version put and the
 * projection update) or holds a write that never landed. Announcements
 * older than {@link ANNOUNCEMENT_SETTLE_MS} are removed once the projection is
 * right (and the catalog item put). `byKey` receives the document's right item.
 */
export async function checkAnnounced(
  state: DocumentStoreState,
  item: Record<string, unknown>,
  byKey: Map<string, Record<string, unknown>>,
): Promise<void> {
  const ref = {
    tenantId: String(item.tenantId),
    collection: String(item.collection),
    key: String(item.docKey),
  };
  const sk = String(item.sk);
  const pending = item.pending as Set<string>;
  const settled = [...pending].filter((id) => state.now() - Number.parseInt(id, 10) > ANNOUNCEMENT_SETTLE_MS);
  const allSettled = settled.length === pending.size;
  // The newest versions, as many as there are announcements (a few at most): each announced write
  // found among them has landed.
  const recent = await latestItems(state, ref, Math.min(pending.size, RECENT_VERSIONS_CHECKED));
  const latest = recent[0];
  // Why also young ones: a write whose version landed is over (a newer projected version covers it).
  const landed = new Set(recent.map((v) => String(v.writeId)));
  const done = [...pending].filter((id) => landed.has(id) && !settled.includes(id));
  const firstDone = recent.some((v) => Number(v.version) === 1 && done.includes(String(v.writeId)));
  // Why the repairs below are best effort: the answer is right from the version read alone, and a
  // reader whose role may not write (a read-only function) must still answer; the next one repairs.
  const repairs: Promise<unknown>[] = [];
  const seen =
    item.version === undefined ? undefined : { version: Number(item.version), writeId: String(item.writeId) };
  if (latest === undefined) {
    // No version: the announced write never happened; a projection it left is a phantom.
    byKey.delete(sk);
    if (seen && allSettled) repairs.push(deletePhantom(state, ref, seen));
  } else {
    const right = projectionItem(latest);
    byKey.set(sk, right);
    const latestVersion = Number(latest.version);
    if (
      !seen ||
      seen.version < latestVersion ||
      (seen.version === latestVersion && seen.writeId !== latest.writeId)
    )
      repairs.push(project(state, right, 'same-version'));
    else if (seen.version > latestVersion && allSettled)
      repairs.push(project(state, right, 'phantom', undefined, seen));
  }
  await Promise.all(repairs.map((repair) => repair.catch(() => undefined)));
  // Settled announcements go only once the projection is right (and the catalog item is there:
  // a first version's write that failed to put it stays announced).
  if (settled.length + done.length > 0 && repairs.length === 0)
    await (latest && (settled.length > 0 || firstDone) ? catalog(state, ref) : Promise.resolve())
      .then(() => unannounce(state, ref, [...settled, ...done]))
      .catch(() => undefined);
}

/** Deletes a projection item whose version was never written, unless a write has replaced it since. */
async function deletePhantom(
  state: DocumentStoreState,
  ref: DocumentRef,
  phantom: { version: number; writeId: string },
): Promise<void> {
  await deleteProjected(state, ref, 'version = :pv AND writeId = :pw', {
    ':pv': phantom.version,
    ':pw': phantom.writeId,
  });
}

/**
 * Builds a collection's projection from its versions (data written before
 * the projection existed): the catalog, then each document's latest
 * version (bounded concurrency), put order-safe; then the marker item that
 * says the collection is built. Runs once per tenant and collection.
 */
export async function buildCollection(
  state: DocumentStoreState,
  tenantId: string,
  collection: string,
  byKey: Map<string, Record<string, unknown>>,
): Promise<void> {
  const keys = await listKeys(state, tenantId, collection);
  let complete = true;
  await inChunks(keys, CHECKS_IN_FLIGHT, async (key) => {
    const sk = projectionSortKey(collection, key);
    if (byKey.has(sk)) return;
    const latest = await latestItem(state, { tenantId, collection, key });
    if (!latest) return;
    byKey.set(sk, projectionItem(latest));
    await project(state, projectionItem(latest), 'same-version').catch(() => {
      complete = false;
    });
  });
  // Best effort like the repairs: a reader that may not write still answers from the versions,
  // and the collection counts as built only once every one of its documents was put.
  if (!complete) return;
  await state
    .clientFor(tenantId)
    .send(
      new PutCommand({
        TableName: state.tableName,
        // `<collection>#` with an empty key: no document has it, and a prefix Query of the collection finds it.
        Item: { pk: projectionKey(tenantId), sk: `${collection}#`, tenantId, collection, built: true },
      }),
    )
    .catch(() => undefined);
}
