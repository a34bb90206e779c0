import type { MiddlewareObj } from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import type { AppLogger } from '../ports/app-logger.ts';
import { internalProblem } from './internal-problem.ts';

/**
 * The one middleware that maps errors to RFC 9457 problem details
 * (`application/problem+json`), by the table of `problem-details.ts`.
 * Unexpected errors are logged in full with the request id and answered
 * with a detail that leaks nothing. The table loads with the first request
 * that fails: a request that succeeds never needs it. Should it fail to load,
 * the answer is still a problem: the generic 500, both errors logged.
 *
 * @example middy().use(problemDetails(logger)).handler(...)
 */
export function problemDetails(
  logger: AppLogger,
): MiddlewareObj<APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2> {
  return {
    onError: async (request) => {
      const requestId = request.event.requestContext?.requestId ?? request.context.awsRequestId;
      const context = { instance: request.event.rawPath, requestId };
      let table: typeof import('./problem-details.ts');
      try {
        table = await import('./problem-details.ts');
      } catch (loadError) {
        // Still a problem response, never a bare runtime error: both errors are logged, the answer
        // is the generic 500 (the table is needed to tell a 4xx; the next failed request retries it).
        const original = request.error as Error | null;
        logger.error('problem table failed to load', {
          requestId,
          errorName: original?.name,
          errorMessage: original?.message,
          stack: original?.stack,
          loadError: String(loadError),
        });
        request.response = {
          statusCode: 500,
          headers: { 'content-type': 'application/problem+json' },
          body: JSON.stringify(internalProblem(context)),
        };
        return;
      }
      request.response = table.problemResponse(request.error, context, logger);
    },
  };
}
