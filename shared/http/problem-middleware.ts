import type { MiddlewareObj } from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import type { AppLogger } from '../ports/app-logger.ts';

/**
 * The one middleware that maps errors to RFC 9457 problem details
 * (`application/problem+json`), by the table of `problem-details.ts`.
 * Unexpected errors are logged in full with the request id and answered
 * with a detail that leaks nothing. The table loads with the first request
 * that fails: a request that succeeds never needs it.
 *
 * @example middy().use(problemDetails(logger)).handler(...)
 */
export function problemDetails(
  logger: AppLogger,
): MiddlewareObj<APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2> {
  return {
    onError: async (request) => {
      const requestId = request.event.requestContext?.requestId ?? request.context.awsRequestId;
      const { problemResponse } = await import('./problem-details.ts');
      request.response = problemResponse(
        request.error,
        { instance: request.event.rawPath, requestId },
        logger,
      );
    },
  };
}
