import { ServiceUnavailableError } from '../../domain/errors.ts';

/** SDK error names that mean "try again later" once the SDK's own retries are spent. */
const TRANSIENT = new Set([
  'ProvisionedThroughputExceededException',
  'ThrottlingException',
  'RequestLimitExceeded',
  'InternalServerError',
  'ServiceUnavailable',
  'TimeoutError',
  'RequestTimeout',
  'RequestTimeoutException',
]);

/**
 * Runs one DynamoDB call and turns transient failures (throttling, internal
 * errors, timeouts: the SDK has already retried them) into a
 * {@link ServiceUnavailableError}, so that callers see a 503 with
 * `Retry-After` and no SDK detail. Other errors pass through unchanged.
 */
export async function translateDynamoError<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (isTransientDynamoError(error)) {
      throw new ServiceUnavailableError('The settings store is busy; retry shortly', 1);
    }
    throw error;
  }
}

/** True for SDK errors that mean "try again later": throttling, internal errors, timeouts, dropped connections. */
export function isTransientDynamoError(error: unknown): boolean {
  const name = (error as { name?: string } | null)?.name ?? '';
  const code = (error as { code?: string } | null)?.code ?? '';
  return (
    TRANSIENT.has(name) ||
    code === 'ECONNRESET' ||
    code === 'ETIMEDOUT' ||
    code === 'ECONNREFUSED' ||
    code === 'EPIPE'
  );
}
