import type { DynamoDBClientConfig } from '@aws-sdk/client-dynamodb';
import { createDocumentClient } from '../adapters/aws/dynamodb-clients.ts';
import { DynamoDbDocumentStore } from '../adapters/aws/dynamodb-document-store.ts';
import type { AppLogger } from '../ports/app-logger.ts';
import { type Clock, systemClock } from '../ports/clock.ts';
import type { Deps } from '../use-cases/deps.ts';

/** What the local runtime (and tests) choose. */
export interface LocalDepsOptions {
  /** dynalite's endpoint. */
  dynamoEndpoint: string;
  tableName: string;
  logger: AppLogger;
  clock?: Clock;
  /** Extra SDK client config (tests add fault-injecting middleware through `clientConfig`). */
  clientConfig?: DynamoDBClientConfig;
}

/** The SDK config for talking to dynalite: loopback endpoint, dummy credentials. */
export function localDynamoConfig(endpoint: string): DynamoDBClientConfig {
  return { endpoint, region: 'local', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } };
}

/**
 * The composition root of the local runtime: the same DynamoDB adapter as on
 * AWS, pointed at dynalite.
 */
export function buildLocalDeps(options: LocalDepsOptions): Deps {
  const client = createDocumentClient({ ...localDynamoConfig(options.dynamoEndpoint), ...options.clientConfig });
  return {
    documents: new DynamoDbDocumentStore({ tableName: options.tableName, clientFor: () => client }),
    clock: options.clock ?? systemClock,
    logger: options.logger,
  };
}
