import { randomUUID } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { SettingsVersion } from '../../domain/settings-version.ts';
import { type AppendOptions, type DocumentRef, VersionTakenError } from '../../ports/document-store.ts';
import { cachedDocument, PROJECTED_FIELDS, projectionItem } from './document-store-items.ts';
import { partitionKey, projectionItemKey, sortKey } from './document-store-keys.ts';
import type { DocumentStoreState } from './document-store-state.ts';
import { latestItem } from './document-versions.ts';
import {
  CHANGE_RETENTION_MS,
  type ChangeKind,
  changeSortKey,
  changesKey,
  HEAD_SORT_KEY,
} from './projection-changes.ts';
import { catalog, isConditionFailure, project, unannounce } from './projection-updates.ts';
import { isTransientDynamoError, translateDynamoError } from './translate-dynamo-error.ts';

// The write side of the DynamoDB document store (DocumentStore's `announce`, `append`, `withdraw`):
// `DynamoDbDocumentStore` loads this module with its first write, so functions that only read
// (and requests that only read) never load it.

/** Above this, the stored patch is gzipped so that content + patch stay under DynamoDB's 400 KB item limit. */
const INLINE_PATCH_LIMIT = 100 * 1024;

/** Announcements of its landed writes a store removes in the first round of its next write, and keeps queued at most per tenant. */
const SETTLES_PER_ROUND = 8;
const SETTLES_QUEUED = 256;

/**
 * Announces a write to a document and takes its place in the change log
 * (see `DocumentStore.announce`); answers the token `append` and
 * `withdraw` take.
 */
export async function announce(state: DocumentStoreState, ref: DocumentRef): Promise<string> {
  // The id carries its time: a reader tells a settled announcement from one still in flight.
  const writeId = `${state.now()}-${randomUUID()}`;
  // In this one round: the document's announcement, the write's place in the change log, and the
  // removal of the announcements of this store's earlier writes that landed (best effort).
  const [, seq] = await Promise.all([
    announceDocument(state, ref, writeId),
    allocate(state, ref.tenantId),
    settleLanded(state, ref.tenantId),
  ]);
  return `${writeId}@${seq}`;
}

/**
 * Removes the announcements of this store's writes to the tenant that
 * landed (up to {@link SETTLES_PER_ROUND}, one UpdateItem each, in
 * parallel). A write cannot do it in its own round (it does not know yet
 * whether its version put lands); until then, or if this process dies
 * first, readers of the projection check those documents and remove them.
 */
async function settleLanded(state: DocumentStoreState, tenantId: string): Promise<void> {
  const queued = state.toSettle.get(tenantId);
  if (!queued) return;
  const now = queued.splice(0, SETTLES_PER_ROUND);
  if (queued.length === 0) state.toSettle.delete(tenantId);
  await Promise.all(now.map(({ ref, writeId }) => unannounce(state, ref, [writeId]).catch(() => undefined)));
}

/** Hands out the tenant's next change sequence number (the head's counter; one UpdateItem). */
async function allocate(state: DocumentStoreState, tenantId: string): Promise<number> {
  const out = await translateDynamoError(() =>
    state.clientFor(tenantId).send(
      new UpdateCommand({
        TableName: state.tableName,
        Key: { pk: changesKey(tenantId), sk: HEAD_SORT_KEY },
        // Why `at`: a reader tells a gap (a number handed out, its change not landed) that has
        // outlived any write from one still in flight by when the numbers after it were handed out.
        UpdateExpression: 'ADD #seq :one SET #at = :now, tenantId = :t',
        ExpressionAttributeNames: { '#seq': 'seq', '#at': 'at' },
        ExpressionAttributeValues: { ':one': 1, ':now': state.now(), ':t': tenantId },
        ReturnValues: 'UPDATED_NEW',
      }),
    ),
  );
  return Number(out.Attributes?.seq);
}

/**
 * Writes change `seq` of the tenant's change log. Unconditional: a
 * sequence number belongs to one write, its only writer. An UpdateItem
 * that sets every attribute (the same as a put of a fresh key): the
 * version put stays the write's one PutItem.
 */
async function putChange(
  state: DocumentStoreState,
  ref: DocumentRef,
  seq: number,
  kind: ChangeKind,
  projected?: Record<string, unknown>,
  landed = false,
): Promise<void> {
  const now = state.now();
  const fields: Record<string, unknown> = {
    ...(projected ? Object.fromEntries(PROJECTED_FIELDS.map((f) => [f, projected[f]])) : {}),
    ...(landed ? { landed: true } : {}),
    tenantId: ref.tenantId,
    collection: ref.collection,
    docKey: ref.key,
    kind,
    at: now,
    expiresAt: Math.floor((now + CHANGE_RETENTION_MS) / 1000),
  };
  const names = Object.keys(fields);
  await translateDynamoError(() =>
    state.clientFor(ref.tenantId).send(
      new UpdateCommand({
        TableName: state.tableName,
        Key: { pk: changesKey(ref.tenantId), sk: changeSortKey(seq) },
        UpdateExpression: `SET ${names.map((_, i) => `#f${i} = :f${i}`).join(', ')}`,
        ExpressionAttributeNames: Object.fromEntries(names.map((name, i) => [`#f${i}`, name])),
        ExpressionAttributeValues: Object.fromEntries(names.map((name, i) => [`:f${i}`, fields[name]])),
      }),
    ),
  );
}

/** Records a change under a new sequence number (a failed write's `recheck`): two calls, one after the other. */
async function record(state: DocumentStoreState, ref: DocumentRef, kind: ChangeKind): Promise<void> {
  await putChange(state, ref, await allocate(state, ref.tenantId), kind);
}

/** The document's announcement of write `writeId` (see `DocumentStore.announce`). */
async function announceDocument(state: DocumentStoreState, ref: DocumentRef, writeId: string): Promise<void> {
  await translateDynamoError(() =>
    state.clientFor(ref.tenantId).send(
      new UpdateCommand({
        TableName: state.tableName,
        Key: projectionItemKey(ref),
        // Why a set: concurrent writers each add their id and each projection update removes only
        // its own, so one writer's success never hides another's crash.
        UpdateExpression: 'ADD pending :w SET tenantId = :t, #c = :c, docKey = :k',
        ExpressionAttributeNames: { '#c': 'collection' },
        ExpressionAttributeValues: {
          ':w': new Set([writeId]),
          ':t': ref.tenantId,
          ':c': ref.collection,
          ':k': ref.key,
        },
      }),
    ),
  );
}

/** Takes back an announced write that will not happen (see `DocumentStore.withdraw`). */
export async function withdraw(
  state: DocumentStoreState,
  ref: DocumentRef,
  announced: string,
): Promise<void> {
  const { writeId, seq } = parseToken(announced);
  // The change log learns that this number changed nothing, so readers need not wait for it.
  await Promise.all([
    unannounce(state, ref, [writeId]),
    seq === undefined ? undefined : putChange(state, ref, seq, 'void'),
  ]);
}

/** Writes a document's next version (see `DocumentStore.append`). */
export async function append(
  state: DocumentStoreState,
  ref: DocumentRef,
  version: SettingsVersion,
  options: AppendOptions = {},
): Promise<void> {
  // One id per write: it tells our own version item from a rival's with the same number.
  const announced = options.announced ?? (await announce(state, ref));
  const { writeId, seq } = parseToken(announced);
  const item = toItem(ref, version, writeId);
  if (options.bulk) return appendInOrder(state, ref, item, version.version, announced);
  // One round: the version put, the projection update, the change item and (version 1) the catalog put.
  // Why the projection update keeps our announcement: it lands alongside a version put that may
  // fail, and a process that dies then cannot take it back; readers check the document against its
  // versions until one of them finds our version landed and removes the announcement.
  const [put, projected, change, catalogPut] = await Promise.allSettled([
    putVersion(state, ref, item, version.version, writeId),
    project(state, projectionItem(item), 'newer'),
    seq === undefined ? undefined : putChange(state, ref, seq, 'put', item),
    version.version === 1 ? catalog(state, ref) : Promise.resolve(),
  ]);
  if (put.status === 'rejected') {
    // Why: our change item may have landed with the content of a write that failed; readers that
    // applied it re-read the document when they meet this later change.
    if (change.status === 'fulfilled') await record(state, ref, 'recheck').catch(() => undefined);
    // Why: our projection update may have landed with the content of a write that failed (a lost
    // race, or a put that outlasted the SDK's retries); take it back now, so that a failed write
    // leaves the projection as it was. Our announcement stays: if the revert fails too, or a put
    // that timed out lands late, readers keep checking the document and repair it.
    if (projected.status === 'fulfilled' && projected.value)
      await revert(state, ref, { version: version.version, writeId }).catch(() => undefined);
    throw put.reason;
  }
  if (seq !== undefined) state.trust(ref.tenantId, seq);
  if (change.status === 'rejected' && seq !== undefined) {
    // Why once more: until it lands, processes with a copy of the projection see a gap at `seq`,
    // and learn of this write only when the gap has outlived any write (a full read then).
    // Why a recheck if that fails too: the write is acknowledged; a recheck under a new number
    // has every copy read the document's latest version at its next refresh, young gap or not.
    // This process's own copy takes the write at once (read-your-writes here, whatever the log holds).
    await putChange(state, ref, seq, 'put', item).catch(() => {
      holdOwnWrite(state, ref, item);
      return record(state, ref, 'recheck').catch(() => undefined);
    });
  }
  // Why: the version is written; without its catalog item it stays announced, so the next reader puts it.
  const catalogued = await cataloguedAfter(state, ref, catalogPut);
  if (catalogued && projected.status === 'fulfilled' && projected.value) queueSettle(state, ref, writeId);
  // Not landed: a newer version is projected, or a rival that lost this number put its projection
  // first (ours replaces it). Either way our announcement goes; a failed update leaves it for readers.
  if (projected.status === 'fulfilled' && !projected.value)
    await project(state, projectionItem(item), 'same-version', writeId)
      .then((landed) => (landed ? undefined : unannounce(state, ref, [writeId])))
      .catch(() => undefined);
}

/**
 * A bulk load's append ({@link AppendOptions.bulk}): the version put (and
 * a first version's catalog put), then, once it landed, the projection
 * update that removes the announcement and the change item marked landed.
 * A failed put leaves only its announcement withdrawn.
 */
async function appendInOrder(
  state: DocumentStoreState,
  ref: DocumentRef,
  item: Record<string, unknown>,
  version: number,
  announced: string,
): Promise<void> {
  const token = parseToken(announced);
  const [put, catalogPut] = await Promise.allSettled([
    putVersion(state, ref, item, version, token.writeId),
    version === 1 ? catalog(state, ref) : Promise.resolve(),
  ]);
  if (put.status === 'rejected') {
    await withdraw(state, ref, announced).catch(() => undefined);
    throw put.reason;
  }
  // Why: while the catalog item is missing the write stays announced, so the next reader puts it.
  const catalogued = await cataloguedAfter(state, ref, catalogPut);
  if (token.seq !== undefined) state.trust(ref.tenantId, token.seq);
  await Promise.all([
    token.seq === undefined
      ? undefined
      : putChange(state, ref, token.seq, 'put', item, true).catch(() =>
          record(state, ref, 'recheck').catch(() => undefined),
        ),
    project(state, projectionItem(item), 'same-version', catalogued ? token.writeId : undefined).catch(
      () => undefined,
    ),
  ]);
}

/** The conditional put of one version item (see `DocumentStore.append`). */
async function putVersion(
  state: DocumentStoreState,
  ref: DocumentRef,
  item: Record<string, unknown>,
  version: number,
  writeId: string,
): Promise<void> {
  await translateDynamoError(async () => {
    try {
      await state.clientFor(ref.tenantId).send(
        new PutCommand({
          TableName: state.tableName,
          Item: item,
          // Why: versions are immutable and contiguous. If version N exists, another
          // writer based on N-1 won the race; this write must fail, never overwrite.
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
    } catch (error) {
      if (isConditionFailure(error)) {
        // Why: when the SDK retried this put, an earlier attempt may have landed and only its
        // response was lost; the retry then fails its own condition. That is our write, not a rival's.
        const attempts = (error as { $metadata?: { attempts?: number } }).$metadata?.attempts;
        if ((attempts === undefined || attempts > 1) && (await landedAs(state, ref, version, writeId)))
          return;
        throw new VersionTakenError(version);
      }
      // Why: an internal error or a timeout may come after the put landed; report success when it did,
      // so that a 503 means "not written" whenever the store can tell.
      if (isTransientDynamoError(error) && (await landedAs(state, ref, version, writeId).catch(() => false)))
        return;
      throw error;
    }
  });
}

/** True when version `version` exists and is the item this store wrote with `writeId`. */
async function landedAs(
  state: DocumentStoreState,
  ref: DocumentRef,
  version: number,
  writeId: string,
): Promise<boolean> {
  const out = await state.clientFor(ref.tenantId).send(
    new GetCommand({
      TableName: state.tableName,
      Key: { pk: partitionKey(ref), sk: sortKey(version) },
      ProjectionExpression: 'writeId',
      ConsistentRead: true,
    }),
  );
  return out.Item?.writeId === writeId;
}

/**
 * Takes back the projection of a write whose version put failed: puts the
 * document's latest version back, or removes the projected fields when it
 * has none, in both cases only while the projection still holds exactly
 * that write (`ours`). Announcements are kept.
 */
async function revert(
  state: DocumentStoreState,
  ref: DocumentRef,
  ours: { version: number; writeId: string },
): Promise<void> {
  const latest = await latestItem(state, ref);
  if (latest) {
    await project(state, projectionItem(latest), 'phantom', undefined, ours);
    return;
  }
  try {
    await translateDynamoError(() =>
      state.clientFor(ref.tenantId).send(
        new UpdateCommand({
          TableName: state.tableName,
          Key: projectionItemKey(ref),
          UpdateExpression: `REMOVE ${PROJECTED_FIELDS.map((f) => `#${f}`).join(', ')}`,
          ConditionExpression: '#version = :pv AND #writeId = :pw',
          ExpressionAttributeNames: Object.fromEntries(PROJECTED_FIELDS.map((f) => [`#${f}`, f])),
          ExpressionAttributeValues: { ':pv': ours.version, ':pw': ours.writeId },
        }),
      ),
    );
  } catch (error) {
    if (!isConditionFailure(error)) throw error;
  }
}

/** True once the document's catalog item is there: put in the write's round, or on one more try. */
async function cataloguedAfter(
  state: DocumentStoreState,
  ref: DocumentRef,
  inRound: PromiseSettledResult<unknown>,
): Promise<boolean> {
  if (inRound.status === 'fulfilled') return true;
  return catalog(state, ref).then(
    () => true,
    () => false,
  );
}

/** Queues the removal of a landed write's announcement for this store's next write to the tenant. */
function queueSettle(state: DocumentStoreState, ref: DocumentRef, writeId: string): void {
  const queued = state.toSettle.get(ref.tenantId) ?? [];
  // Bounded: what does not fit is left to readers, who check those documents and remove it.
  if (queued.length < SETTLES_QUEUED) queued.push({ ref, writeId });
  state.toSettle.set(ref.tenantId, queued);
}

/**
 * Puts a version this store saw land into its own copy of the tenant, if
 * the copy holds that collection and an older version. For a write whose
 * change item could not be written: the copy would not learn of it from
 * the log until the gap is old. In place: a refresh copies the snapshot
 * before it changes it, and answers are arrays taken from it.
 */
function holdOwnWrite(state: DocumentStoreState, ref: DocumentRef, item: Record<string, unknown>): void {
  const held = state.cache.get(ref.tenantId);
  if (!held?.collections.has(ref.collection)) return;
  const sk = `${ref.collection}#${ref.key}`;
  if ((held.documents.get(sk)?.version ?? 0) < Number(item.version))
    held.documents.set(sk, cachedDocument(projectionItem(item)));
}

/** An announcement token: the write id, and the write's sequence number in the change log. */
function parseToken(token: string): { writeId: string; seq: number | undefined } {
  const at = token.lastIndexOf('@');
  if (at < 0) return { writeId: token, seq: undefined };
  return { writeId: token.slice(0, at), seq: Number(token.slice(at + 1)) };
}

/** The version item of a version: JSON content, the patch inline (gzipped when large). */
function toItem(ref: DocumentRef, version: SettingsVersion, writeId: string): Record<string, unknown> {
  const patchJson = JSON.stringify(version.patch);
  return {
    pk: partitionKey(ref),
    sk: sortKey(version.version),
    tenantId: ref.tenantId,
    collection: ref.collection,
    docKey: ref.key,
    version: version.version,
    content: JSON.stringify(version.content),
    author: version.author,
    createdAt: version.createdAt,
    reason: version.reason,
    contentHash: version.contentHash,
    keysTouchedPercent: version.keysTouchedPercent,
    writeId,
    ...(patchJson.length > INLINE_PATCH_LIMIT ? { patchGz: gzipSync(patchJson) } : { patch: patchJson }),
    ...(version.ticket === null ? {} : { ticket: version.ticket }),
    ...(version.prevHash === null ? {} : { prevHash: version.prevHash }),
    ...(version.warnings && version.warnings.length > 0
      ? { warnings: JSON.stringify(version.warnings) }
      : {}),
    ...(version.rollbackOf === undefined ? {} : { rollbackOf: version.rollbackOf }),
  };
}
