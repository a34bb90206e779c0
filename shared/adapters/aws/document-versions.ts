import { GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { SettingsVersion } from '../../domain/settings-version.ts';
import type { DocumentRef, VersionPage } from '../../ports/document-store.ts';
import { fromItem } from './document-store-items.ts';
import { catalogKey, partitionKey, sortKey } from './document-store-keys.ts';
import type { DocumentStoreState } from './document-store-state.ts';
import { queryPages } from './query-pages.ts';
import { translateDynamoError } from './translate-dynamo-error.ts';

// The reads of one document's versions and of a collection's catalog (DocumentStore's `latest`,
// `get`, `list`, `listKeys`), and the strongly consistent reads of a document's newest version
// items that the projection's reads, repairs and writes share.

/** One version of a document, or `null` (one GetItem). */
export async function getVersion(
  state: DocumentStoreState,
  ref: DocumentRef,
  version: number,
): Promise<SettingsVersion | null> {
  const out = await translateDynamoError(() =>
    state
      .clientFor(ref.tenantId)
      .send(
        new GetCommand({ TableName: state.tableName, Key: { pk: partitionKey(ref), sk: sortKey(version) } }),
      ),
  );
  return out.Item ? fromItem(out.Item) : null;
}

/** A page of a document's versions, newest first (one Query). */
export async function listVersions(
  state: DocumentStoreState,
  ref: DocumentRef,
  options: { limit: number; before?: number; withContent?: boolean },
): Promise<VersionPage> {
  const pk = partitionKey(ref);
  const out = await translateDynamoError(() =>
    state.clientFor(ref.tenantId).send(
      new QueryCommand({
        TableName: state.tableName,
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

/** The keys of a collection's documents, sorted, read from its catalog (all pages, one after another). */
export async function listKeys(
  state: DocumentStoreState,
  tenantId: string,
  collection: string,
  options: { prefix?: string } = {},
): Promise<string[]> {
  const keys: string[] = [];
  await queryPages(
    state,
    tenantId,
    {
      KeyConditionExpression:
        options.prefix === undefined ? 'pk = :pk' : 'pk = :pk AND begins_with(sk, :prefix)',
      ExpressionAttributeValues: {
        ':pk': catalogKey(tenantId, collection),
        ...(options.prefix === undefined ? {} : { ':prefix': options.prefix }),
      },
      ProjectionExpression: 'sk',
    },
    (items) => {
      for (const item of items) keys.push(String(item.sk));
      return false;
    },
  );
  return keys.sort();
}

/** The newest version item of a document, read strongly consistent, or `undefined`. */
export async function latestItem(
  state: DocumentStoreState,
  ref: DocumentRef,
): Promise<Record<string, unknown> | undefined> {
  return (await latestItems(state, ref, 1))[0];
}

/** The `limit` newest version items of a document, newest first, read strongly consistent (one Query). */
export async function latestItems(
  state: DocumentStoreState,
  ref: DocumentRef,
  limit: number,
): Promise<Record<string, unknown>[]> {
  const out = await translateDynamoError(() =>
    state.clientFor(ref.tenantId).send(
      new QueryCommand({
        TableName: state.tableName,
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
