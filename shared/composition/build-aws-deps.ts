import { createDocumentClient } from '../adapters/aws/dynamodb-clients.ts';
import { DynamoDbDocumentStore } from '../adapters/aws/dynamodb-document-store.ts';
import { systemClock } from '../ports/clock.ts';
import type { Deps } from '../use-cases/deps.ts';
import { createLogger, type LogLevel } from './create-logger.ts';
import { ENV } from './env-vars.ts';

/**
 * The composition root on AWS: built once per cold start from the
 * function's environment.
 */
export function buildAwsDeps(env: Record<string, string | undefined>): Deps {
  const tableName = env[ENV.tableName];
  if (!tableName) throw new Error(`${ENV.tableName} is not set`);
  const client = createDocumentClient();
  return {
    documents: new DynamoDbDocumentStore({ tableName, clientFor: () => client }),
    clock: systemClock,
    logger: createLogger((env[ENV.logLevel] as LogLevel | undefined) ?? 'INFO'),
  };
}
