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
    const name = (error as { name?: string }).name ?? '';
    const code = (error as { code?: string }).code ?? '';
    if (TRANSIENT.has(name) || code === 'ECONNRESET' || code === 'ETIMEDOUT' || code === 'ECONNREFUSED') {
      throw new ServiceUnavailableError('The settings store is busy; retry shortly', 1);
    }
    throw error;
  }
}
