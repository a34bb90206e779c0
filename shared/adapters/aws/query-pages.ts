import { QueryCommand, type QueryCommandInput } from '@aws-sdk/lib-dynamodb';
import type { DocumentStoreState } from './document-store-state.ts';
import { translateDynamoError } from './translate-dynamo-error.ts';

/**
 * Sends one Query of the store's table page by page, one after another
 * (each from the last page's key), handing each page's items to `onItems`
 * until the pages end or `onItems` answers `true` (read no further).
 */
export async function queryPages(
  state: DocumentStoreState,
  tenantId: string,
  input: Omit<QueryCommandInput, 'TableName' | 'ExclusiveStartKey'>,
  onItems: (items: Record<string, unknown>[]) => boolean,
): Promise<void> {
  let startKey: Record<string, unknown> | undefined;
  do {
    const out = await translateDynamoError(() =>
      state.clientFor(tenantId).send(
        new QueryCommand({
          TableName: state.tableName,
          ...input,
          ...(startKey ? { ExclusiveStartKey: startKey } : {}),
        }),
      ),
    );
    if (onItems(out.Items ?? [])) return;
    startKey = out.LastEvaluatedKey;
  } while (startKey);
}
