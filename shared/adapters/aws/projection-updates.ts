import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { DocumentRef } from '../../ports/document-store.ts';
import { PROJECTED_FIELDS } from './document-store-items.ts';
import { catalogKey, projectionItemKey } from './document-store-keys.ts';
import type { DocumentStoreState } from './document-store-state.ts';
import { translateDynamoError } from './translate-dynamo-error.ts';

// The conditional writes of projection and catalog items that writers and readers' repairs share.
// Loaded with the write side or with the first repair, never at a reader's cold start.

/**
 * Updates a projection item to a version's content; `false` when its
 * condition kept the stored one. `newer`: only over an older version
 * (order-safe: a projection never goes back, and a replayed update is a
 * no-op). `same-version`: also over the same version written by another
 * write id (a rival that lost the version put). `phantom`: only over
 * exactly `phantom` (a projection update whose version put never landed).
 * With `settles`, removes that announcement in the same update.
 */
export async function project(
  state: DocumentStoreState,
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
      state.clientFor(String(item.tenantId)).send(
        new UpdateCommand({
          TableName: state.tableName,
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

/** Removes announcements from a document's projection item. */
export async function unannounce(
  state: DocumentStoreState,
  ref: DocumentRef,
  writeIds: readonly string[],
): Promise<void> {
  const out = await translateDynamoError(() =>
    state.clientFor(ref.tenantId).send(
      new UpdateCommand({
        TableName: state.tableName,
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
    await deleteProjected(state, ref, 'attribute_not_exists(version) AND attribute_not_exists(pending)');
}

/**
 * Deletes a document's projection item if `condition` holds (a phantom
 * write's item, or an empty one: no version, no announcement); a write
 * that came since keeps it.
 */
export async function deleteProjected(
  state: DocumentStoreState,
  ref: DocumentRef,
  condition: string,
  values?: Record<string, unknown>,
): Promise<void> {
  try {
    await translateDynamoError(() =>
      state.clientFor(ref.tenantId).send(
        new DeleteCommand({
          TableName: state.tableName,
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
 * Why: the catalog item is what lets listKeys find a document with one Query. It is
 * written before version 1 (idempotent, unconditional), so a crash between the two
 * leaves an extra catalog entry (read as absent), never a missing one.
 */
export async function catalog(state: DocumentStoreState, ref: DocumentRef): Promise<void> {
  await translateDynamoError(() =>
    state.clientFor(ref.tenantId).send(
      new PutCommand({
        TableName: state.tableName,
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

/** True when a DynamoDB write failed its condition (the SDK's exception class, or its name across SDK copies). */
export function isConditionFailure(error: unknown): boolean {
  return (
    error instanceof ConditionalCheckFailedException ||
    (error as Error | null)?.name === 'ConditionalCheckFailedException'
  );
}
