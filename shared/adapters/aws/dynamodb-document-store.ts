import { randomUUID } from 'node:crypto';
import { gunzipSync, gzipSync } from 'node:zlib';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import {
  BatchGetCommand,
  DeleteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { ServiceUnavailableError } from '../../domain/errors.ts';
import type { JsonObject } from '../../domain/json-value.ts';
import type { SettingsVersion } from '../../domain/settings-version.ts';
import {
  ANNOUNCEMENT_SETTLE_MS,
  type AppendOptions,
  type DocumentRef,
  type DocumentStore,
  type LatestAllOptions,
  type ProjectedDocument,
  type VersionPage,
  VersionTakenError,
} from '../../ports/document-store.ts';
import {
  type CachedDocument,
  frozenContent,
  ProjectionCache,
  type TenantSnapshot,
} from './projection-cache.ts';
import {
  applyChanges,
  type Change,
  type ChangeKind,
  changeSortKey,
  changesKey,
  confirmChanges,
  gapsOf,
  HEAD_SORT_KEY,
  type Head,
  toChange,
  type VersionKey,
  versionKeyOf,
} from './projection-changes.ts';
import { isTransientDynamoError, translateDynamoError } from './translate-dynamo-error.ts';

/** Above this, the stored patch is gzipped so that content + patch stay under DynamoDB's 400 KB item limit. */
const INLINE_PATCH_LIMIT = 100 * 1024;

/** Announced documents a reader checks at once (one Query each). */
const CHECKS_IN_FLIGHT = 16;

/** The attributes of a projection item that come from one version (the rest name the document). */
const PROJECTED_FIELDS = ['version', 'content', 'author', 'createdAt', 'contentHash', 'writeId'] as const;

/** Heap bytes of tenant snapshots a store keeps by default (estimated from their contents' JSON size). */
const CACHE_BYTES = 32 * 1024 * 1024;

/** A change item lives this long (DynamoDB TTL); a snapshot not refreshed for half of it is read again whole. */
const CHANGE_RETENTION_MS = 24 * 60 * 60 * 1000;

/** Changes this store knows landed (its own successful writes, changes it confirmed) kept at most; then it forgets them all. */
const TRUSTED_CHANGES = 100_000;

/** Newest versions an announcement check reads (each announced write found among them has landed). */
const RECENT_VERSIONS_CHECKED = 5;

/** Announcements of its landed writes a store removes in the first round of its next write, and keeps queued at most per tenant. */
const SETTLES_PER_ROUND = 8;
const SETTLES_QUEUED = 256;

/** Version items a reader confirms per BatchGetItem (DynamoDB's limit), and such requests in flight. */
const CONFIRM_BATCH = 100;
const CONFIRMS_IN_FLIGHT = 4;
/** BatchGetItem requests one confirmation batch may take while keys come back unprocessed (throttling). */
const CONFIRM_ATTEMPTS = 5;

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

/** Chooses the DynamoDB client for a tenant (tenant-scoped credentials on AWS, one client locally). */
export type DocumentClientFor = (tenantId: string) => DynamoDBDocumentClient;

/**
 * {@link DocumentStore} on one DynamoDB table: one immutable item per
 * version, `pk = <tenant>#<collection>#<key>`, `sk = v#<12-digit version>`.
 * Every key starts with the tenant id, so IAM `dynamodb:LeadingKeys` can
 * fence a tenant in. No transactions: the conditional put of version N is
 * the change, its changelog entry and its hash-chain link at once.
 *
 * @example new DynamoDbDocumentStore({ tableName: 'plumbline', clientFor: () => docClient })
 */
export class DynamoDbDocumentStore implements DocumentStore {
  readonly #tableName: string;
  readonly #clientFor: DocumentClientFor;
  readonly #now: () => number;
  readonly #cache: ProjectionCache;
  /** `<tenant>#<seq>` of the changes known to name a version that landed (see {@link confirmChanges}). */
  readonly #trusted = new Set<string>();
  /** Per tenant, this store's landed writes whose announcements are still to remove ({@link announce} does). */
  readonly #toSettle = new Map<string, { ref: DocumentRef; writeId: string }[]>();

  constructor(options: {
    tableName: string;
    clientFor: DocumentClientFor;
    /** The clock announcements and changes are dated with (tests move it). */
    now?: () => number;
    /** Content bytes of tenant snapshots to keep in memory ({@link latestAll}); 0 keeps none. */
    cacheBytes?: number;
  }) {
    this.#tableName = options.tableName;
    this.#clientFor = options.clientFor;
    this.#now = options.now ?? Date.now;
    this.#cache = new ProjectionCache(options.cacheBytes ?? CACHE_BYTES);
    liveCaches.add(new WeakRef(this.#cache));
  }

  async latest(ref: DocumentRef): Promise<SettingsVersion | null> {
    const page = await this.list(ref, { limit: 1, withContent: true });
    return page.items[0] ?? null;
  }

  async get(ref: DocumentRef, version: number): Promise<SettingsVersion | null> {
    const out = await translateDynamoError(() =>
      this.#clientFor(ref.tenantId).send(
        new GetCommand({ TableName: this.#tableName, Key: { pk: partitionKey(ref), sk: sortKey(version) } }),
      ),
    );
    return out.Item ? fromItem(out.Item) : null;
  }

  async list(
    ref: DocumentRef,
    options: { limit: number; before?: number; withContent?: boolean },
  ): Promise<VersionPage> {
    const pk = partitionKey(ref);
    const out = await translateDynamoError(() =>
      this.#clientFor(ref.tenantId).send(
        new QueryCommand({
          TableName: this.#tableName,
          KeyConditionExpression: options.before === undefined ? 'pk = :pk' : 'pk = :pk AND sk < :before',
          ExpressionAttributeValues:
            options.before === undefined ? { ':pk': pk } : { ':pk': pk, ':before': sortKey(options.before) },
          ScanIndexForward: false,
          Limit: options.limit,
          ...(options.withContent === false
            ? {
                ProjectionExpression:
                  '#v, author, createdAt, reason, ticket, contentHash, prevHash, keysTouchedPercent, rollbackOf',
                ExpressionAttributeNames: { '#v': 'version' },
              }
            : {}),
        }),
      ),
    );
    const items = (out.Items ?? []).map(fromItem);
    const last = items.at(-1);
    return { items, next: out.LastEvaluatedKey && last && last.version > 1 ? last.version : null };
  }

  async announce(ref: DocumentRef): Promise<string> {
    // The id carries its time: a reader tells a settled announcement from one still in flight.
    const writeId = `${this.#now()}-${randomUUID()}`;
    // In this one round: the document's announcement, the write's place in the change log, and the
    // removal of the announcements of this store's earlier writes that landed (best effort).
    const [, seq] = await Promise.all([
      this.#announce(ref, writeId),
      this.#allocate(ref.tenantId),
      this.#settleLanded(ref.tenantId),
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
  async #settleLanded(tenantId: string): Promise<void> {
    const queued = this.#toSettle.get(tenantId);
    if (!queued) return;
    const now = queued.splice(0, SETTLES_PER_ROUND);
    if (queued.length === 0) this.#toSettle.delete(tenantId);
    await Promise.all(now.map(({ ref, writeId }) => this.#unannounce(ref, [writeId]).catch(() => undefined)));
  }

  /** Hands out the tenant's next change sequence number (the head's counter; one UpdateItem). */
  async #allocate(tenantId: string): Promise<number> {
    const out = await translateDynamoError(() =>
      this.#clientFor(tenantId).send(
        new UpdateCommand({
          TableName: this.#tableName,
          Key: { pk: changesKey(tenantId), sk: HEAD_SORT_KEY },
          // Why `at`: a reader tells a gap (a number handed out, its change not landed) that has
          // outlived any write from one still in flight by when the numbers after it were handed out.
          UpdateExpression: 'ADD #seq :one SET #at = :now, tenantId = :t',
          ExpressionAttributeNames: { '#seq': 'seq', '#at': 'at' },
          ExpressionAttributeValues: { ':one': 1, ':now': this.#now(), ':t': tenantId },
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
  async #putChange(
    ref: DocumentRef,
    seq: number,
    kind: ChangeKind,
    projected?: Record<string, unknown>,
    landed = false,
  ): Promise<void> {
    const now = this.#now();
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
      this.#clientFor(ref.tenantId).send(
        new UpdateCommand({
          TableName: this.#tableName,
          Key: { pk: changesKey(ref.tenantId), sk: changeSortKey(seq) },
          UpdateExpression: `SET ${names.map((_, i) => `#f${i} = :f${i}`).join(', ')}`,
          ExpressionAttributeNames: Object.fromEntries(names.map((name, i) => [`#f${i}`, name])),
          ExpressionAttributeValues: Object.fromEntries(names.map((name, i) => [`:f${i}`, fields[name]])),
        }),
      ),
    );
  }

  /** Records a change under a new sequence number (a failed write's `recheck`): two calls, one after the other. */
  async #record(ref: DocumentRef, kind: ChangeKind): Promise<void> {
    await this.#putChange(ref, await this.#allocate(ref.tenantId), kind);
  }

  /** The document's announcement of write `writeId` (see {@link DocumentStore.announce}). */
  async #announce(ref: DocumentRef, writeId: string): Promise<void> {
    await translateDynamoError(() =>
      this.#clientFor(ref.tenantId).send(
        new UpdateCommand({
          TableName: this.#tableName,
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

  async withdraw(ref: DocumentRef, announced: string): Promise<void> {
    const { writeId, seq } = parseToken(announced);
    // The change log learns that this number changed nothing, so readers need not wait for it.
    await Promise.all([
      this.#unannounce(ref, [writeId]),
      seq === undefined ? undefined : this.#putChange(ref, seq, 'void'),
    ]);
  }

  async append(ref: DocumentRef, version: SettingsVersion, options: AppendOptions = {}): Promise<void> {
    // One id per write: it tells our own version item from a rival's with the same number.
    const announced = options.announced ?? (await this.announce(ref));
    const { writeId, seq } = parseToken(announced);
    const item = toItem(ref, version, writeId);
    if (options.bulk) return this.#appendInOrder(ref, item, version.version, announced);
    // One round: the version put, the projection update, the change item and (version 1) the catalog put.
    // Why the projection update keeps our announcement: it lands alongside a version put that may
    // fail, and a process that dies then cannot take it back; readers check the document against its
    // versions until one of them finds our version landed and removes the announcement.
    const [put, projected, change, catalog] = await Promise.allSettled([
      this.#putVersion(ref, item, version.version, writeId),
      this.#project(projectionItem(item), 'newer'),
      seq === undefined ? undefined : this.#putChange(ref, seq, 'put', item),
      version.version === 1 ? this.#catalog(ref) : Promise.resolve(),
    ]);
    if (put.status === 'rejected') {
      // Why: our change item may have landed with the content of a write that failed; readers that
      // applied it re-read the document when they meet this later change.
      if (change.status === 'fulfilled') await this.#record(ref, 'recheck').catch(() => undefined);
      // Why: our projection update may have landed with the content of a write that failed (a lost
      // race, or a put that outlasted the SDK's retries); take it back now, so that a failed write
      // leaves the projection as it was. Our announcement stays: if the revert fails too, or a put
      // that timed out lands late, readers keep checking the document and repair it.
      if (projected.status === 'fulfilled' && projected.value)
        await this.#revert(ref, { version: version.version, writeId }).catch(() => undefined);
      throw put.reason;
    }
    if (seq !== undefined) this.#trust(ref.tenantId, seq);
    if (change.status === 'rejected' && seq !== undefined) {
      // Why once more: until it lands, processes with a copy of the projection see a gap at `seq`,
      // and learn of this write only when the gap has outlived any write (a full read then).
      // Why a recheck if that fails too: the write is acknowledged; a recheck under a new number
      // has every copy read the document's latest version at its next refresh, young gap or not.
      // This process's own copy takes the write at once (read-your-writes here, whatever the log holds).
      await this.#putChange(ref, seq, 'put', item).catch(() => {
        this.#holdOwnWrite(ref, item);
        return this.#record(ref, 'recheck').catch(() => undefined);
      });
    }
    // Why: the version is written; without its catalog item it stays announced, so the next reader puts it.
    const catalogued = await this.#catalogued(ref, catalog);
    if (catalogued && projected.status === 'fulfilled' && projected.value) this.#queueSettle(ref, writeId);
    // Not landed: a newer version is projected, or a rival that lost this number put its projection
    // first (ours replaces it). Either way our announcement goes; a failed update leaves it for readers.
    if (projected.status === 'fulfilled' && !projected.value)
      await this.#project(projectionItem(item), 'same-version', writeId)
        .then((landed) => (landed ? undefined : this.#unannounce(ref, [writeId])))
        .catch(() => undefined);
  }

  /**
   * A bulk load's append ({@link AppendOptions.bulk}): the version put (and
   * a first version's catalog put), then, once it landed, the projection
   * update that removes the announcement and the change item marked landed.
   * A failed put leaves only its announcement withdrawn.
   */
  async #appendInOrder(
    ref: DocumentRef,
    item: Record<string, unknown>,
    version: number,
    announced: string,
  ): Promise<void> {
    const token = parseToken(announced);
    const [put, catalog] = await Promise.allSettled([
      this.#putVersion(ref, item, version, token.writeId),
      version === 1 ? this.#catalog(ref) : Promise.resolve(),
    ]);
    if (put.status === 'rejected') {
      await this.withdraw(ref, announced).catch(() => undefined);
      throw put.reason;
    }
    // Why: while the catalog item is missing the write stays announced, so the next reader puts it.
    const catalogued = await this.#catalogued(ref, catalog);
    if (token.seq !== undefined) this.#trust(ref.tenantId, token.seq);
    await Promise.all([
      token.seq === undefined
        ? undefined
        : this.#putChange(ref, token.seq, 'put', item, true).catch(() =>
            this.#record(ref, 'recheck').catch(() => undefined),
          ),
      this.#project(projectionItem(item), 'same-version', catalogued ? token.writeId : undefined).catch(
        () => undefined,
      ),
    ]);
  }

  /** The conditional put of one version item (see {@link DocumentStore.append}). */
  async #putVersion(
    ref: DocumentRef,
    item: Record<string, unknown>,
    version: number,
    writeId: string,
  ): Promise<void> {
    await translateDynamoError(async () => {
      try {
        await this.#clientFor(ref.tenantId).send(
          new PutCommand({
            TableName: this.#tableName,
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
          if ((attempts === undefined || attempts > 1) && (await this.#landed(ref, version, writeId))) return;
          throw new VersionTakenError(version);
        }
        // Why: an internal error or a timeout may come after the put landed; report success when it did,
        // so that a 503 means "not written" whenever the store can tell.
        if (isTransientDynamoError(error) && (await this.#landed(ref, version, writeId).catch(() => false)))
          return;
        throw error;
      }
    });
  }

  /**
   * Updates a projection item to a version's content; `false` when its
   * condition kept the stored one. `newer`: only over an older version
   * (order-safe: a projection never goes back, and a replayed update is a
   * no-op). `same-version`: also over the same version written by another
   * write id (a rival that lost the version put). `phantom`: only over
   * exactly `phantom` (a projection update whose version put never landed).
   * With `settles`, removes that announcement in the same update.
   */
  async #project(
    item: Record<string, unknown>,
    mode: 'newer' | 'same-version' | 'phantom',
    settles?: string,
    phantom?: { version: number; writeId: string },
  ): Promise<boolean> {
    const condition = {
      newer: 'attribute_not_exists(version) OR version < :v',
      'same-version': 'attribute_not_exists(version) OR version < :v OR (version = :v AND writeId <> :w)',
      phantom: 'version = :pv AND writeId = :pw',
    }[mode];
    const fields = [...PROJECTED_FIELDS, 'tenantId', 'docKey'];
    const values: Record<string, unknown> = { ':c': item.collection };
    for (const field of fields) values[`:${field}`] = item[field];
    if (mode !== 'phantom') values[':v'] = item.version;
    if (mode === 'same-version') values[':w'] = item.writeId;
    if (mode === 'phantom') Object.assign(values, { ':pv': phantom?.version, ':pw': phantom?.writeId });
    if (settles !== undefined) values[':settles'] = new Set([settles]);
    try {
      await translateDynamoError(() =>
        this.#clientFor(String(item.tenantId)).send(
          new UpdateCommand({
            TableName: this.#tableName,
            Key: { pk: item.pk, sk: item.sk },
            UpdateExpression: `SET ${fields.map((f) => `#${f} = :${f}`).join(', ')}, #collection = :c${settles === undefined ? '' : ' DELETE pending :settles'}`,
            ConditionExpression: condition,
            ExpressionAttributeNames: Object.fromEntries([...fields, 'collection'].map((f) => [`#${f}`, f])),
            ExpressionAttributeValues: values,
          }),
        ),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }

  /**
   * Takes back the projection of a write whose version put failed: puts the
   * document's latest version back, or removes the projected fields when it
   * has none, in both cases only while the projection still holds exactly
   * that write (`ours`). Announcements are kept.
   */
  async #revert(ref: DocumentRef, ours: { version: number; writeId: string }): Promise<void> {
    const latest = await this.#latestItem(ref);
    if (latest) {
      await this.#project(projectionItem(latest), 'phantom', undefined, ours);
      return;
    }
    try {
      await translateDynamoError(() =>
        this.#clientFor(ref.tenantId).send(
          new UpdateCommand({
            TableName: this.#tableName,
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

  /** Removes announcements from a document's projection item. */
  async #unannounce(ref: DocumentRef, writeIds: readonly string[]): Promise<void> {
    const out = await translateDynamoError(() =>
      this.#clientFor(ref.tenantId).send(
        new UpdateCommand({
          TableName: this.#tableName,
          Key: projectionItemKey(ref),
          UpdateExpression: 'DELETE pending :w',
          ExpressionAttributeValues: { ':w': new Set(writeIds) },
          ReturnValues: 'ALL_NEW',
        }),
      ),
    );
    // Why: the announcement of a document that never had a version (a refused first write, or one
    // that died before its put) created the item; without it the item is an empty shell.
    const left = out.Attributes ?? {};
    if (left.version === undefined && left.pending === undefined)
      await this.#deleteProjected(ref, 'attribute_not_exists(version) AND attribute_not_exists(pending)');
  }

  /** The newest version item of a document, read strongly consistent, or `undefined`. */
  async #latestItem(ref: DocumentRef): Promise<Record<string, unknown> | undefined> {
    return (await this.#latestItems(ref, 1))[0];
  }

  /** The `limit` newest version items of a document, newest first, read strongly consistent (one Query). */
  async #latestItems(ref: DocumentRef, limit: number): Promise<Record<string, unknown>[]> {
    const out = await translateDynamoError(() =>
      this.#clientFor(ref.tenantId).send(
        new QueryCommand({
          TableName: this.#tableName,
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': partitionKey(ref) },
          ScanIndexForward: false,
          Limit: Math.max(1, limit),
          ConsistentRead: true,
        }),
      ),
    );
    return out.Items ?? [];
  }

  async latestAll(
    tenantId: string,
    collections: readonly string[],
    options: LatestAllOptions = {},
  ): Promise<ProjectedDocument[]> {
    const held = this.#cache.get(tenantId);
    const fresh = held && this.#now() - held.refreshedAt < CHANGE_RETENTION_MS / 2;
    let snapshot: TenantSnapshot | undefined;
    if (held && fresh && collections.every((c) => held.collections.has(c)))
      snapshot = await this.#refresh(tenantId, held, options);
    // Why a single collection is read as before: a narrow request (the profiles of one effective
    // read) must not pay for reading the whole tenant just to start a copy.
    else if (collections.length === 1)
      return [...(await this.#readProjection(tenantId, collections, options)).values()]
        .map((item) => toProjected(item))
        .sort(byCollectionAndKey);
    else
      snapshot = await this.#fullRead(
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
  async #refresh(tenantId: string, held: TenantSnapshot, options: LatestAllOptions): Promise<TenantSnapshot> {
    const started = this.#now();
    const { changes, head } = await this.#queryChanges(tenantId, held.watermark);
    const gaps = gapsOf(changes, held.watermark, head, started, ANNOUNCEMENT_SETTLE_MS);
    if (gaps.anyOld) return this.#fullRead(tenantId, [...held.collections], options);
    // Why a copy: a request that is building its answer from the held snapshot keeps what it read.
    const { unchecked, ...kept } = held;
    const snapshot: TenantSnapshot = { ...kept, documents: new Map(held.documents), refreshedAt: started };
    const { apply, held: unconfirmed } = await this.#confirm(tenantId, snapshot, changes, started);
    const recheck = applyChanges(snapshot, apply, cachedDocument);
    for (const [sk, doc] of unchecked ?? []) recheck.set(sk, doc);
    await this.#recheck(tenantId, snapshot, recheck);
    snapshot.watermark = Math.min(
      Math.min(gaps.firstYoung ?? Number.POSITIVE_INFINITY, unconfirmed[0] ?? Number.POSITIVE_INFINITY) - 1,
      Math.max(head.seq, changes.at(-1)?.seq ?? 0, held.watermark),
    );
    this.#cache.set(tenantId, snapshot);
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
  async #fullRead(
    tenantId: string,
    collections: readonly string[],
    options: LatestAllOptions,
  ): Promise<TenantSnapshot> {
    const started = this.#now();
    const skipped = new Map<string, { collection: string; key: string }>();
    const [projection, recent] = await Promise.all([
      this.#readProjection(tenantId, collections, options, skipped),
      this.#recentChanges(tenantId, started - ANNOUNCEMENT_SETTLE_MS),
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
    const { apply, held } = await this.#confirm(tenantId, snapshot, recent.changes, started);
    await this.#recheck(tenantId, snapshot, applyChanges(snapshot, apply, cachedDocument));
    const gaps = gapsOf(recent.changes, recent.below, recent.head, started, ANNOUNCEMENT_SETTLE_MS);
    snapshot.watermark = Math.min(
      Math.min(gaps.firstYoung ?? Number.POSITIVE_INFINITY, held[0] ?? Number.POSITIVE_INFINITY) - 1,
      Math.max(recent.head.seq, recent.changes.at(-1)?.seq ?? 0),
    );
    this.#cache.set(tenantId, snapshot);
    return snapshot;
  }

  /**
   * The changes a snapshot may apply (see {@link confirmChanges}): `put`
   * changes of its collections that would move a document to a newer
   * version and that this store neither wrote itself nor confirmed before
   * are checked against their version items (one BatchGetItem per 100,
   * strongly consistent, a few in flight).
   */
  #confirm(
    tenantId: string,
    snapshot: TenantSnapshot,
    changes: readonly Change[],
    now: number,
  ): Promise<{ apply: Change[]; held: number[] }> {
    return confirmChanges(changes, {
      // Why not a change the snapshot already holds (or holds a newer version than): what the snapshot
      // holds is confirmed (a projection item's write is checked while it is announced), and such a
      // change applies nothing (or, a rival's same number, has the document read again).
      needs: (change) =>
        change.kind === 'put' &&
        change.item.landed !== true &&
        snapshot.collections.has(change.collection) &&
        (snapshot.documents.get(`${change.collection}#${change.key}`)?.version ?? 0) <
          Number(change.item.version) &&
        !this.#trusted.has(`${tenantId}#${change.seq}`),
      lookup: (versions) => this.#versionWriteIds(tenantId, versions),
      confirmed: (change) => this.#trust(tenantId, change.seq),
      now,
      settleMs: ANNOUNCEMENT_SETTLE_MS,
    });
  }

  /** True once the document's catalog item is there: put in the write's round, or on one more try. */
  async #catalogued(ref: DocumentRef, inRound: PromiseSettledResult<unknown>): Promise<boolean> {
    if (inRound.status === 'fulfilled') return true;
    return this.#catalog(ref).then(
      () => true,
      () => false,
    );
  }

  /** Queues the removal of a landed write's announcement for this store's next write to the tenant. */
  #queueSettle(ref: DocumentRef, writeId: string): void {
    const queued = this.#toSettle.get(ref.tenantId) ?? [];
    // Bounded: what does not fit is left to readers, who check those documents and remove it.
    if (queued.length < SETTLES_QUEUED) queued.push({ ref, writeId });
    this.#toSettle.set(ref.tenantId, queued);
  }

  /**
   * Puts a version this store saw land into its own copy of the tenant, if
   * the copy holds that collection and an older version. For a write whose
   * change item could not be written: the copy would not learn of it from
   * the log until the gap is old. In place: a refresh copies the snapshot
   * before it changes it, and answers are arrays taken from it.
   */
  #holdOwnWrite(ref: DocumentRef, item: Record<string, unknown>): void {
    const held = this.#cache.get(ref.tenantId);
    if (!held?.collections.has(ref.collection)) return;
    const sk = `${ref.collection}#${ref.key}`;
    if ((held.documents.get(sk)?.version ?? 0) < Number(item.version))
      held.documents.set(sk, cachedDocument(projectionItem(item)));
  }

  /** Remembers that change `seq` of the tenant names a version that landed. */
  #trust(tenantId: string, seq: number): void {
    if (this.#trusted.size >= TRUSTED_CHANGES) this.#trusted.clear();
    this.#trusted.add(`${tenantId}#${seq}`);
  }

  /** The write id of each version item that exists (keyed by {@link versionKeyOf}), read strongly consistent. */
  async #versionWriteIds(tenantId: string, versions: readonly VersionKey[]): Promise<Map<string, string>> {
    const found = new Map<string, string>();
    const keys = new Map<string, VersionKey>();
    for (const v of versions) keys.set(`${partitionKey({ tenantId, ...v })}\n${sortKey(v.version)}`, v);
    const batches: { pk: string; sk: string }[][] = [];
    for (const [id] of keys) {
      const [pk = '', sk = ''] = id.split('\n');
      if ((batches.at(-1)?.length ?? CONFIRM_BATCH) >= CONFIRM_BATCH) batches.push([]);
      batches.at(-1)?.push({ pk, sk });
    }
    await inChunks(batches, CONFIRMS_IN_FLIGHT, async (batch) => {
      let wanted: Record<string, unknown>[] = batch;
      let attempts = 0;
      while (wanted.length > 0) {
        const out = await translateDynamoError(() =>
          this.#clientFor(tenantId).send(
            new BatchGetCommand({
              RequestItems: {
                [this.#tableName]: {
                  Keys: wanted,
                  ConsistentRead: true,
                  ProjectionExpression: 'pk, sk, writeId',
                },
              },
            }),
          ),
        );
        for (const item of out.Responses?.[this.#tableName] ?? []) {
          const v = keys.get(`${item.pk}\n${item.sk}`);
          if (v) found.set(versionKeyOf(v), String(item.writeId));
        }
        wanted = out.UnprocessedKeys?.[this.#tableName]?.Keys ?? [];
        // Why a bound and a pause: unprocessed keys mean throttling; a read that cannot confirm
        // answers 503 rather than loop or treat a landed change as missing.
        if (wanted.length > 0 && ++attempts >= CONFIRM_ATTEMPTS)
          throw new ServiceUnavailableError('The settings store is busy; retry shortly', 1);
        if (wanted.length > 0) await new Promise((resolve) => setTimeout(resolve, 25 * 2 ** attempts));
      }
    });
    return found;
  }

  /** Reads the latest version of each document to recheck (bounded concurrency) into the snapshot. */
  async #recheck(
    tenantId: string,
    snapshot: TenantSnapshot,
    docs: ReadonlyMap<string, { collection: string; key: string }>,
  ): Promise<void> {
    await inChunks([...docs], CHECKS_IN_FLIGHT, async ([sk, { collection, key }]) => {
      const latest = await this.#latestItem({ tenantId, collection, key });
      if (latest) snapshot.documents.set(sk, cachedDocument(projectionItem(latest)));
      else snapshot.documents.delete(sk);
    });
  }

  /** The change log's items after `after`, oldest first, and its head (all pages, one after another). */
  async #queryChanges(tenantId: string, after: number): Promise<{ changes: Change[]; head: Head }> {
    return this.#readChangeLog(tenantId, { after });
  }

  /**
   * The head and the newest changes, read newest first until a change that
   * landed before `since` (every number below it was handed out before
   * then). Returns them oldest first, with `below`: the number under which
   * nothing more was read.
   */
  async #recentChanges(
    tenantId: string,
    since: number,
  ): Promise<{ changes: Change[]; head: Head; below: number }> {
    const { changes, head, last } = await this.#readChangeLog(
      tenantId,
      { newestFirst: true },
      (change) => change.at < since,
    );
    return { changes: changes.reverse(), head, below: last?.seq ?? 0 };
  }

  /**
   * Reads the tenant's change log page by page: its head, and its changes
   * after `after` (all of them when absent) in the order asked, until the
   * pages end or `stop` marks a change as the last one wanted (`last`).
   */
  async #readChangeLog(
    tenantId: string,
    range: { after?: number; newestFirst?: boolean },
    stop?: (change: Change) => boolean,
  ): Promise<{ changes: Change[]; head: Head; last?: Change }> {
    const changes: Change[] = [];
    let head: Head = { seq: 0, at: 0 };
    let startKey: Record<string, unknown> | undefined;
    do {
      const out = await translateDynamoError(() =>
        this.#clientFor(tenantId).send(
          new QueryCommand({
            TableName: this.#tableName,
            KeyConditionExpression: range.after === undefined ? 'pk = :pk' : 'pk = :pk AND sk > :after',
            ExpressionAttributeValues: {
              ':pk': changesKey(tenantId),
              ...(range.after === undefined ? {} : { ':after': changeSortKey(range.after) }),
            },
            ConsistentRead: true,
            ...(range.newestFirst ? { ScanIndexForward: false, Limit: RECENT_PAGE } : {}),
            ...(startKey ? { ExclusiveStartKey: startKey } : {}),
          }),
        ),
      );
      for (const item of out.Items ?? []) {
        if (item.sk === HEAD_SORT_KEY) {
          head = { seq: Number(item.seq), at: Number(item.at) };
          continue;
        }
        const change = toChange(item);
        changes.push(change);
        if (stop?.(change)) return { changes, head, last: change };
      }
      startKey = out.LastEvaluatedKey;
    } while (startKey);
    return { changes, head };
  }

  /**
   * The tenant's projection of the requested collections, read whole, with
   * announced documents checked (and repaired) and collections built from
   * their versions where never built.
   */
  async #readProjection(
    tenantId: string,
    collections: readonly string[],
    options: LatestAllOptions,
    /** Receives the documents left unchecked that were announced (see `TenantSnapshot.unchecked`). */
    skipped?: Map<string, { collection: string; key: string }>,
  ): Promise<Map<string, Record<string, unknown>>> {
    const unchecked = new Set((options.unchecked ?? []).map((d) => projectionSortKey(d.collection, d.key)));
    // One collection: a prefix Query; several: the whole partition (one request per MB either way).
    const items = await this.#queryProjection(
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
          else
            skipped?.set(String(item.sk), { collection: String(item.collection), key: String(item.docKey) });
        }
      }
    }
    await inChunks(announced, CHECKS_IN_FLIGHT, (item) => this.#check(item, byKey));
    await Promise.all(collections.filter((c) => !built.has(c)).map((c) => this.#build(tenantId, c, byKey)));
    return byKey;
  }

  /** Every item of the projection partition under `prefix` (all pages, one after another). */
  async #queryProjection(tenantId: string, prefix: string | undefined): Promise<Record<string, unknown>[]> {
    const found: Record<string, unknown>[] = [];
    let startKey: Record<string, unknown> | undefined;
    do {
      const out = await translateDynamoError(() =>
        this.#clientFor(tenantId).send(
          new QueryCommand({
            TableName: this.#tableName,
            KeyConditionExpression: prefix === undefined ? 'pk = :pk' : 'pk = :pk AND begins_with(sk, :p)',
            ExpressionAttributeValues:
              prefix === undefined
                ? { ':pk': projectionKey(tenantId) }
                : { ':pk': projectionKey(tenantId), ':p': prefix },
            ...(startKey ? { ExclusiveStartKey: startKey } : {}),
          }),
        ),
      );
      found.push(...(out.Items ?? []));
      startKey = out.LastEvaluatedKey;
    } while (startKey);
    return found;
  }

  /**
   * Checks one announced document against its latest version and repairs
   * its projection when it lags (a crash between the version put and the
   * projection update) or holds a write that never landed. Announcements
   * older than {@link ANNOUNCEMENT_SETTLE_MS} are removed once the projection is
   * right (and the catalog item put).
   */
  async #check(item: Record<string, unknown>, byKey: Map<string, Record<string, unknown>>): Promise<void> {
    const ref = {
      tenantId: String(item.tenantId),
      collection: String(item.collection),
      key: String(item.docKey),
    };
    const sk = String(item.sk);
    const pending = item.pending as Set<string>;
    const settled = [...pending].filter(
      (id) => this.#now() - Number.parseInt(id, 10) > ANNOUNCEMENT_SETTLE_MS,
    );
    const allSettled = settled.length === pending.size;
    // The newest versions, as many as there are announcements (a few at most): each announced write
    // found among them has landed.
    const recent = await this.#latestItems(ref, Math.min(pending.size, RECENT_VERSIONS_CHECKED));
    const latest = recent[0];
    // Why also young ones: a write whose version landed is over (a newer projected version covers it).
    const landed = new Set(recent.map((v) => String(v.writeId)));
    const done = [...pending].filter((id) => landed.has(id) && !settled.includes(id));
    const firstDone = recent.some((v) => Number(v.version) === 1 && done.includes(String(v.writeId)));
    // Why the repairs below are best effort: the answer is right from the version read alone, and a
    // reader whose role may not write (a read-only function) must still answer; the next one repairs.
    const repairs: Promise<unknown>[] = [];
    const seen =
      item.version === undefined
        ? undefined
        : { version: Number(item.version), writeId: String(item.writeId) };
    if (latest === undefined) {
      // No version: the announced write never happened; a projection it left is a phantom.
      byKey.delete(sk);
      if (seen && allSettled) repairs.push(this.#deletePhantom(ref, seen));
    } else {
      const right = projectionItem(latest);
      byKey.set(sk, right);
      const latestVersion = Number(latest.version);
      if (
        !seen ||
        seen.version < latestVersion ||
        (seen.version === latestVersion && seen.writeId !== latest.writeId)
      )
        repairs.push(this.#project(right, 'same-version'));
      else if (seen.version > latestVersion && allSettled)
        repairs.push(this.#project(right, 'phantom', undefined, seen));
    }
    await Promise.all(repairs.map((repair) => repair.catch(() => undefined)));
    // Settled announcements go only once the projection is right (and the catalog item is there:
    // a first version's write that failed to put it stays announced).
    if (settled.length + done.length > 0 && repairs.length === 0)
      await (latest && (settled.length > 0 || firstDone) ? this.#catalog(ref) : Promise.resolve())
        .then(() => this.#unannounce(ref, [...settled, ...done]))
        .catch(() => undefined);
  }

  /** Deletes a projection item whose version was never written, unless a write has replaced it since. */
  async #deletePhantom(ref: DocumentRef, phantom: { version: number; writeId: string }): Promise<void> {
    await this.#deleteProjected(ref, 'version = :pv AND writeId = :pw', {
      ':pv': phantom.version,
      ':pw': phantom.writeId,
    });
  }

  /**
   * Deletes a document's projection item if `condition` holds (a phantom
   * write's item, or an empty one: no version, no announcement); a write
   * that came since keeps it.
   */
  async #deleteProjected(
    ref: DocumentRef,
    condition: string,
    values?: Record<string, unknown>,
  ): Promise<void> {
    try {
      await translateDynamoError(() =>
        this.#clientFor(ref.tenantId).send(
          new DeleteCommand({
            TableName: this.#tableName,
            Key: projectionItemKey(ref),
            ConditionExpression: condition,
            ...(values ? { ExpressionAttributeValues: values } : {}),
          }),
        ),
      );
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
    }
  }

  /**
   * Builds a collection's projection from its versions (data written before
   * the projection existed): the catalog, then each document's latest
   * version (bounded concurrency), put order-safe; then the marker item that
   * says the collection is built. Runs once per tenant and collection.
   */
  async #build(
    tenantId: string,
    collection: string,
    byKey: Map<string, Record<string, unknown>>,
  ): Promise<void> {
    const keys = await this.listKeys(tenantId, collection);
    let complete = true;
    await inChunks(keys, CHECKS_IN_FLIGHT, async (key) => {
      const sk = projectionSortKey(collection, key);
      if (byKey.has(sk)) return;
      const latest = await this.#latestItem({ tenantId, collection, key });
      if (!latest) return;
      byKey.set(sk, projectionItem(latest));
      await this.#project(projectionItem(latest), 'same-version').catch(() => {
        complete = false;
      });
    });
    // Best effort like the repairs: a reader that may not write still answers from the versions,
    // and the collection counts as built only once every one of its documents was put.
    if (!complete) return;
    await this.#clientFor(tenantId)
      .send(
        new PutCommand({
          TableName: this.#tableName,
          // `<collection>#` with an empty key: no document has it, and a prefix Query of the collection finds it.
          Item: { pk: projectionKey(tenantId), sk: `${collection}#`, tenantId, collection, built: true },
        }),
      )
      .catch(() => undefined);
  }

  /** True when version `version` exists and is the item this store wrote with `writeId`. */
  async #landed(ref: DocumentRef, version: number, writeId: string): Promise<boolean> {
    const out = await this.#clientFor(ref.tenantId).send(
      new GetCommand({
        TableName: this.#tableName,
        Key: { pk: partitionKey(ref), sk: sortKey(version) },
        ProjectionExpression: 'writeId',
        ConsistentRead: true,
      }),
    );
    return out.Item?.writeId === writeId;
  }

  /**
   * Why: the catalog item is what lets listKeys find a document with one Query. It is
   * written before version 1 (idempotent, unconditional), so a crash between the two
   * leaves an extra catalog entry (read as absent), never a missing one.
   */
  async #catalog(ref: DocumentRef): Promise<void> {
    await translateDynamoError(() =>
      this.#clientFor(ref.tenantId).send(
        new PutCommand({
          TableName: this.#tableName,
          Item: {
            pk: catalogKey(ref.tenantId, ref.collection),
            sk: ref.key,
            tenantId: ref.tenantId,
            collection: ref.collection,
            docKey: ref.key,
          },
        }),
      ),
    );
  }

  async listKeys(tenantId: string, collection: string, options: { prefix?: string } = {}): Promise<string[]> {
    const keys: string[] = [];
    let startKey: Record<string, unknown> | undefined;
    do {
      const out = await translateDynamoError(() =>
        this.#clientFor(tenantId).send(
          new QueryCommand({
            TableName: this.#tableName,
            KeyConditionExpression:
              options.prefix === undefined ? 'pk = :pk' : 'pk = :pk AND begins_with(sk, :prefix)',
            ExpressionAttributeValues: {
              ':pk': catalogKey(tenantId, collection),
              ...(options.prefix === undefined ? {} : { ':prefix': options.prefix }),
            },
            ProjectionExpression: 'sk',
            ...(startKey ? { ExclusiveStartKey: startKey } : {}),
          }),
        ),
      );
      for (const item of out.Items ?? []) keys.push(String(item.sk));
      startKey = out.LastEvaluatedKey;
    } while (startKey);
    return keys.sort();
  }
}

/**
 * Partition key of a tenant's projection of latest contents: one item per
 * document (sort key {@link projectionSortKey}) holding its latest version,
 * its content and the ids of writes announced and not yet settled
 * (`pending`), plus one marker item per built collection. Starts with the tenant id (IAM LeadingKeys).
 */
export function projectionKey(tenantId: string): string {
  return `${tenantId}#!latest`;
}

/** The key of a document's item in its tenant's projection. */
function projectionItemKey(ref: DocumentRef): { pk: string; sk: string } {
  return { pk: projectionKey(ref.tenantId), sk: projectionSortKey(ref.collection, ref.key) };
}

/** Sort key of a document in its tenant's projection. */
export function projectionSortKey(collection: string, key: string): string {
  return `${collection}#${key}`;
}

/**
 * Partition key of a tenant's catalog of one collection (one item per
 * document, sort key = document key). `!` cannot start a collection name,
 * so it never collides with a document's partition key.
 */
export function catalogKey(tenantId: string, collection: string): string {
  return `${tenantId}#!catalog#${collection}`;
}

/** Partition key of a document: starts with the tenant id (IAM LeadingKeys). */
export function partitionKey(ref: DocumentRef): string {
  return `${ref.tenantId}#${ref.collection}#${ref.key}`;
}

/** Sort key of a version: zero-padded so that string order is numeric order. */
export function sortKey(version: number): string {
  return `v#${String(version).padStart(12, '0')}`;
}

function isConditionFailure(error: unknown): boolean {
  return (
    error instanceof ConditionalCheckFailedException ||
    (error as Error | null)?.name === 'ConditionalCheckFailedException'
  );
}

/** Changes read per page when looking back from the head (a cold read's recent changes). */
const RECENT_PAGE = 1000;

/** An announcement token: the write id, and the write's sequence number in the change log. */
function parseToken(token: string): { writeId: string; seq: number | undefined } {
  const at = token.lastIndexOf('@');
  if (at < 0) return { writeId: token, seq: undefined };
  return { writeId: token.slice(0, at), seq: Number(token.slice(at + 1)) };
}

/** A snapshot's document from a projection (or change) item: its content parsed once and frozen. */
function cachedDocument(item: Record<string, unknown>): CachedDocument {
  const answer = Object.freeze(toProjected(item, frozenContent(item.content)));
  return { ...answer, writeId: String(item.writeId), answer };
}

function byCollectionAndKey(a: ProjectedDocument, b: ProjectedDocument): number {
  return a.collection === b.collection ? compare(a.key, b.key) : compare(a.collection, b.collection);
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Runs `fn` over `items`, `size` at a time. */
async function inChunks<T>(items: readonly T[], size: number, fn: (item: T) => Promise<void>): Promise<void> {
  for (let i = 0; i < items.length; i += size) await Promise.all(items.slice(i, i + size).map(fn));
}

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

/** The projection item of a version item: its latest content, without patch or history fields. */
function projectionItem(version: Record<string, unknown>): Record<string, unknown> {
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

function toProjected(
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

function fromItem(item: Record<string, unknown>): SettingsVersion {
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
