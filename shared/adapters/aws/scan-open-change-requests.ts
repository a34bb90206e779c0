import { type DynamoDBDocumentClient, ScanCommand } from '@aws-sdk/lib-dynamodb';

/**
 * Every change request still waiting for its workflow (`pending` or
 * `approved`), across tenants. A full-table Scan: for the local runtime only,
 * which resumes their workflows after a restart (its executions live in
 * memory). Never used on AWS, where Step Functions keeps executions; a module of its
 * own so that no AWS bundle carries it (or the Scan command).
 */
export async function scanOpenChangeRequests(
  client: DynamoDBDocumentClient,
  tableName: string,
): Promise<{ tenantId: string; requestId: string }[]> {
  const out: { tenantId: string; requestId: string }[] = [];
  let startKey: Record<string, unknown> | undefined;
  do {
    const page = await client.send(
      new ScanCommand({
        TableName: tableName,
        FilterExpression: 'begins_with(sk, :prefix) AND (#status = :pending OR #status = :approved)',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ':prefix': 'cr#', ':pending': 'pending', ':approved': 'approved' },
        ProjectionExpression: 'tenantId, id',
        ...(startKey ? { ExclusiveStartKey: startKey } : {}),
      }),
    );
    for (const item of page.Items ?? [])
      out.push({ tenantId: String(item.tenantId), requestId: String(item.id) });
    startKey = page.LastEvaluatedKey;
  } while (startKey);
  return out;
}
