import { createDocumentClient, localDynamoConfig } from '../../shared/adapters/aws/dynamodb-clients.ts';
import { DynamoDbDocumentStore } from '../../shared/adapters/aws/dynamodb-document-store.ts';
import type { JsonObject } from '../../shared/domain/json-value.ts';
import { nextVersion } from '../../shared/domain/settings-version.ts';
import { mapLimit } from '../../shared/use-cases/concurrency/map-limit.ts';

/** A document to store as its version 1. */
export interface SeedDocument {
  collection: string;
  key: string;
  content: JsonObject;
}

/**
 * Stores many documents of one tenant straight into a local runtime's
 * table, as version 1 each, through the same store adapter the API uses
 * (version, catalog and projection items), 32 at a time. Skips the API's
 * validation: for preparing thousands of services quickly in e2e tests and
 * the bench, not for testing writes.
 *
 * @example await seedDocuments(rt, 'acme', [{ collection: 'settings', key: 'envs/dev/services/s1', content: { replicas: 2 } }]);
 */
export async function seedDocuments(
  runtime: { dynamoEndpoint: string; tableName: string },
  tenantId: string,
  documents: readonly SeedDocument[],
): Promise<void> {
  const client = createDocumentClient(localDynamoConfig(runtime.dynamoEndpoint));
  const store = new DynamoDbDocumentStore({ tableName: runtime.tableName, clientFor: () => client });
  const intent = { author: 'seed', reason: 'seed', ticket: null, createdAt: new Date().toISOString() };
  try {
    await mapLimit(documents, 32, (doc) =>
      store.append(
        { tenantId, collection: doc.collection, key: doc.key },
        nextVersion(null, doc.content, intent),
        { bulk: true },
      ),
    );
  } finally {
    client.destroy();
  }
}
