import {
  CreateTableCommand,
  DescribeTableCommand,
  DynamoDBClient,
  type DynamoDBClientConfig,
  ResourceInUseException,
  ResourceNotFoundException,
} from '@aws-sdk/client-dynamodb';
import { TABLE_DEFINITION } from './table-definition.ts';

/**
 * Creates the table if it does not exist and waits until it is ACTIVE. Used
 * by the local runtime (dynalite) and tests; on AWS the CDK stack owns it.
 */
export async function ensureTable(config: DynamoDBClientConfig, tableName: string): Promise<void> {
  const client = new DynamoDBClient(config);
  try {
    await createAndWait(client, tableName);
  } finally {
    client.destroy();
  }
}

async function createAndWait(client: DynamoDBClient, tableName: string): Promise<void> {
  try {
    await client.send(new DescribeTableCommand({ TableName: tableName }));
  } catch (error) {
    if (!(error instanceof ResourceNotFoundException)) throw error;
    try {
      await client.send(
        new CreateTableCommand({
          TableName: tableName,
          BillingMode: 'PAY_PER_REQUEST',
          AttributeDefinitions: [
            { AttributeName: TABLE_DEFINITION.partitionKey, AttributeType: 'S' },
            { AttributeName: TABLE_DEFINITION.sortKey, AttributeType: 'S' },
          ],
          KeySchema: [
            { AttributeName: TABLE_DEFINITION.partitionKey, KeyType: 'HASH' },
            { AttributeName: TABLE_DEFINITION.sortKey, KeyType: 'RANGE' },
          ],
        }),
      );
    } catch (createError) {
      if (!(createError instanceof ResourceInUseException)) throw createError;
    }
  }
  for (let i = 0; i < 100; i++) {
    const out = await client.send(new DescribeTableCommand({ TableName: tableName }));
    if (out.Table?.TableStatus === 'ACTIVE') return;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`table ${tableName} did not become ACTIVE`);
}
