import { BatchGetCommand } from '@aws-sdk/lib-dynamodb';
import { ServiceUnavailableError } from '../../domain/errors.ts';
import { ANNOUNCEMENT_SETTLE_MS } from '../../ports/document-store.ts';
import { inChunks } from './document-store-items.ts';
import { partitionKey, sortKey } from './document-store-keys.ts';
import type { DocumentStoreState } from './document-store-state.ts';
import type { TenantSnapshot } from './projection-cache.ts';
import { type Change, confirmChanges, type VersionKey, versionKeyOf } from './projection-changes.ts';
import { translateDynamoError } from './translate-dynamo-error.ts';

/** Version items a reader confirms per BatchGetItem (DynamoDB's limit), and such requests in flight. */
const CONFIRM_BATCH = 100;
const CONFIRMS_IN_FLIGHT = 4;
/** BatchGetItem requests one confirmation batch may take while keys come back unprocessed (throttling). */
const CONFIRM_ATTEMPTS = 5;

/**
 * The changes a snapshot may apply (see {@link confirmChanges}): `put`
 * changes of its collections that would move a document to a newer
 * version and that this store neither wrote itself nor confirmed before
 * are checked against their version items (one BatchGetItem per 100,
 * strongly consistent, a few in flight).
 */
export function confirm(
  state: DocumentStoreState,
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
      !state.trusted.has(`${tenantId}#${change.seq}`),
    lookup: (versions) => versionWriteIds(state, tenantId, versions),
    confirmed: (change) => state.trust(tenantId, change.seq),
    now,
    settleMs: ANNOUNCEMENT_SETTLE_MS,
  });
}

/** The write id of each version item that exists (keyed by {@link versionKeyOf}), read strongly consistent. */
async function versionWriteIds(
  state: DocumentStoreState,
  tenantId: string,
  versions: readonly VersionKey[],
): Promise<Map<string, string>> {
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
        state.clientFor(tenantId).send(
          new BatchGetCommand({
            RequestItems: {
              [state.tableName]: {
                Keys: wanted,
                ConsistentRead: true,
                ProjectionExpression: 'pk, sk, writeId',
              },
            },
          }),
        ),
      );
      for (const item of out.Responses?.[state.tableName] ?? []) {
        const v = keys.get(`${item.pk}\n${item.sk}`);
        if (v) found.set(versionKeyOf(v), String(item.writeId));
      }
      wanted = out.UnprocessedKeys?.[state.tableName]?.Keys ?? [];
      // Why a bound and a pause: unprocessed keys mean throttling; a read that cannot confirm
      // answers 503 rather than loop or treat a landed change as missing.
      if (wanted.length > 0 && ++attempts >= CONFIRM_ATTEMPTS)
        throw new ServiceUnavailableError('The settings store is busy; retry shortly', 1);
      if (wanted.length > 0) await new Promise((resolve) => setTimeout(resolve, 25 * 2 ** attempts));
    }
  });
  return found;
}
