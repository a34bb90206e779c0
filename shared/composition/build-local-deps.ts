import {
  createDocumentClient,
  type DynamoClientConfig,
  type DynamoMiddleware,
  localDynamoConfig,
} from '../adapters/aws/dynamodb-clients.ts';
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
  clientConfig?: DynamoClientConfig;
  /** SDK middleware plugins applied to the DynamoDB client's stack (fault injection, call counting). */
  dynamoMiddleware?: readonly DynamoMiddleware[];
}

export { localDynamoConfig };

/**
 * The composition root of the local runtime: the same DynamoDB adapter as on
 * AWS, pointed at dynalite.
 */
export function buildLocalDeps(options: LocalDepsOptions): Deps {
  const client = createDocumentClient(
    { ...localDynamoConfig(options.dynamoEndpoint), ...options.clientConfig },
    options.dynamoMiddleware ?? [],
  );
  return {
    documents: new DynamoDbDocumentStore({ tableName: options.tableName, clientFor: () => client }),
    clock: options.clock ?? systemClock,
    logger: options.logger,
  };
}
