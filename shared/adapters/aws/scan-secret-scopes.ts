import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import type { DocumentClientFor } from './dynamodb-document-store.ts';

/**
 * Every (tenant, environment) that has secrets, from a Scan of the whole
 * table: for the local runtime's rotation timer only (on AWS the job lists
 * secret names instead; a tenant session can never Scan). A module of its own so that no AWS
 * bundle carries it (or the Scan command).
 */
export async function scanSecretScopes(
  client: ReturnType<DocumentClientFor>,
  tableName: string,
): Promise<{ tenantId: string; env: string }[]> {
  const scopes = new Map<string, { tenantId: string; env: string }>();
  let startKey: Record<string, unknown> | undefined;
  do {
    const page = await client.send(
      new ScanCommand({
        TableName: tableName,
        FilterExpression: 'begins_with(sk, :meta) AND contains(pk, :secrets)',
        ExpressionAttributeValues: { ':meta': 'meta#', ':secrets': '#secrets#' },
        ProjectionExpression: 'pk, tenantId',
        ...(startKey ? { ExclusiveStartKey: startKey } : {}),
      }),
    );
    for (const item of page.Items ?? []) {
      const tenantId = String(item.tenantId);
      const env = String(item.pk).slice(`${tenantId}#secrets#`.length);
      scopes.set(`${tenantId}/${env}`, { tenantId, env });
    }
    startKey = page.LastEvaluatedKey;
  } while (startKey);
  return [...scopes.values()];
}
