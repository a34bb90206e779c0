import type { MiddlewareObj } from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import type { AppLogger } from '../ports/app-logger.ts';

/**
 * Logs one structured line per request: request id, tenant, route, status
 * and duration. Never headers, tokens or bodies.
 */
export function requestLog(
  logger: AppLogger,
  now: () => number = () => performance.now(),
): MiddlewareObj<
  APIGatewayProxyEventV2,
  APIGatewayProxyStructuredResultV2,
  Error,
  import('aws-lambda').Context,
  { startedAt?: number }
> {
  const write = (request: {
    event: APIGatewayProxyEventV2;
    response: APIGatewayProxyStructuredResultV2 | null;
    internal: { startedAt?: number };
  }): void => {
    const claims = (
      request.event.requestContext as { authorizer?: { jwt?: { claims?: Record<string, unknown> } } }
    ).authorizer?.jwt?.claims;
    const tenant = typeof claims?.tenant_id === 'string' ? claims.tenant_id : undefined;
    logger.info('request', {
      requestId: request.event.requestContext?.requestId,
      tenant,
      route: request.event.routeKey,
      method: request.event.requestContext?.http?.method,
      status: request.response?.statusCode ?? 500,
      durationMs: Math.round((now() - (request.internal.startedAt ?? now())) * 100) / 100,
    });
  };
  return {
    before: (request) => {
      request.internal.startedAt = now();
    },
    after: write,
    onError: write,
  };
}
