import { DynamoDBClient, ScanCommand } from '@aws-sdk/client-dynamodb';
import type { LocalRuntime } from '../../shared/composition/local-runtime.ts';

/** Every item of the runtime's table, as raw DynamoDB JSON, sorted by key. */
export async function scanTable(
  runtime: Pick<LocalRuntime, 'dynamoEndpoint' | 'tableName'>,
): Promise<Record<string, unknown>[]> {
  const client = new DynamoDBClient({
    endpoint: runtime.dynamoEndpoint,
    region: 'local',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  try {
    const items: Record<string, unknown>[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const out = await client.send(
        new ScanCommand({
          TableName: runtime.tableName,
          ...(start ? { ExclusiveStartKey: start as never } : {}),
        }),
      );
      items.push(...((out.Items ?? []) as Record<string, unknown>[]));
      start = out.LastEvaluatedKey as Record<string, unknown> | undefined;
    } while (start);
    return items.sort((a, b) => keyOf(a).localeCompare(keyOf(b)));
  } finally {
    client.destroy();
  }
}

/** The table's full contents as one comparable string. */
export async function snapshotTable(
  runtime: Pick<LocalRuntime, 'dynamoEndpoint' | 'tableName'>,
): Promise<string> {
  return JSON.stringify(await scanTable(runtime), (_, value: unknown) =>
    value instanceof Uint8Array ? Buffer.from(value).toString('base64') : value,
  );
}

/** The items whose partition key starts with `tenantId#` (every key of a tenant does). */
export async function tenantItems(
  runtime: Pick<LocalRuntime, 'dynamoEndpoint' | 'tableName'>,
  tenantId: string,
): Promise<Record<string, unknown>[]> {
  return (await scanTable(runtime)).filter((item) =>
    ((item.pk as { S?: string } | undefined)?.S ?? '').startsWith(`${tenantId}#`),
  );
}

function keyOf(item: Record<string, unknown>): string {
  const pk = (item.pk as { S?: string } | undefined)?.S ?? '';
  const sk = (item.sk as { S?: string } | undefined)?.S ?? '';
  return `${pk}\u0000${sk}`;
}
