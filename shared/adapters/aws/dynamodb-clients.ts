import { DynamoDBClient, type DynamoDBClientConfig } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

/** DynamoDB client configuration, re-exported so callers outside this folder need no SDK import. */
export type DynamoClientConfig = DynamoDBClientConfig;

/** The SDK config for talking to dynalite: loopback endpoint, dummy credentials. */
export function localDynamoConfig(endpoint: string): DynamoDBClientConfig {
  return { endpoint, region: 'local', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } };
}

/**
 * A plugin for the DynamoDB client's middleware stack (`client.middlewareStack.use(...)`):
 * tests and the bench inject faults and count calls with it, without module mocking.
 */
export type DynamoMiddleware = Parameters<DynamoDBClient['middlewareStack']['use']>[0];

/**
 * A DynamoDB document client with the house settings: bounded retries
 * (standard mode, 3 attempts) and a request timeout, so a stuck call ends
 * in a 503 rather than a Lambda timeout. `middleware` is applied to the
 * client's middleware stack (empty in production).
 */
export function createDocumentClient(
  config: DynamoDBClientConfig = {},
  middleware: readonly DynamoMiddleware[] = [],
): DynamoDBDocumentClient {
  const client = new DynamoDBClient({
    maxAttempts: 3,
    retryMode: 'standard',
    // Why throwOnRequestTimeout: without it the SDK only logs a warning when requestTimeout
    // passes and the call hangs on; with it the attempt fails with a retryable TimeoutError.
    requestHandler: { requestTimeout: 3_000, connectionTimeout: 1_000, throwOnRequestTimeout: true },
    ...config,
  });
  for (const plugin of middleware) client.middlewareStack.use(plugin);
  return DynamoDBDocumentClient.from(client, {
    marshallOptions: { removeUndefinedValues: true, convertEmptyValues: false },
  });
}
