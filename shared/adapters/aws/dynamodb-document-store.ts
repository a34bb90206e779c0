import { randomUUID } from 'node:crypto';
import { gunzipSync, gzipSync } from 'node:zlib';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { SettingsVersion } from '../../domain/settings-version.ts';
import {
  type DocumentRef,
  type DocumentStore,
  type VersionPage,
  VersionTakenError,
} from '../../ports/document-store.ts';
import { isTransientDynamoError, translateDynamoError } from './translate-dynamo-error.ts';

/** Above this, the stored patch is gzipped so that content + patch stay under DynamoDB's 400 KB item limit. */
const INLINE_PATCH_LIMIT = 100 * 1024;

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

  constructor(options: { tableName: string; clientFor: DocumentClientFor }) {
    this.#tableName = options.tableName;
    this.#clientFor = options.clientFor;
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

  async append(ref: DocumentRef, version: SettingsVersion): Promise<void> {
    const patchJson = JSON.stringify(version.patch);
    // A fresh id per append: it tells our own item from a rival's with the same version number.
    const writeId = randomUUID();
    const item: Record<string, unknown> = {
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
    if (version.version === 1) await this.#catalog(ref);
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
        if (
          error instanceof ConditionalCheckFailedException ||
          (error as Error).name === 'ConditionalCheckFailedException'
        ) {
          // Why: when the SDK retried this put, an earlier attempt may have landed and only its
          // response was lost; the retry then fails its own condition. That is our write, not a rival's.
          const attempts = (error as { $metadata?: { attempts?: number } }).$metadata?.attempts;
          if ((attempts === undefined || attempts > 1) && (await this.#landed(ref, version.version, writeId)))
            return;
          throw new VersionTakenError(version.version);
        }
        // Why: an internal error or a timeout may come after the put landed; report success when it did,
        // so that a 503 means "not written" whenever the store can tell.
        if (
          isTransientDynamoError(error) &&
          (await this.#landed(ref, version.version, writeId).catch(() => false))
        )
          return;
        throw error;
      }
    });
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

  async listKeys(tenantId: string, collection: string): Promise<string[]> {
    const keys: string[] = [];
    let startKey: Record<string, unknown> | undefined;
    do {
      const out = await translateDynamoError(() =>
        this.#clientFor(tenantId).send(
          new QueryCommand({
            TableName: this.#tableName,
            KeyConditionExpression: 'pk = :pk',
            ExpressionAttributeValues: { ':pk': catalogKey(tenantId, collection) },
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
