import middy from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { NotFoundError } from '../domain/errors.ts';
import type { ContextDeps } from './context-ports.ts';
import type { HttpResult } from './http-result.ts';
import { problemDetails } from './problem-details.ts';
import { RouteNamer, redactingLogger, requestLog } from './request-log.ts';
import type { Route, RouteContext } from './route.ts';
import { runRoute } from './run-route.ts';

/** A Lambda handler for API Gateway v2 (HTTP API) events. */
export type HttpHandler = (
  event: APIGatewayProxyEventV2,
  context: Context,
) => Promise<APIGatewayProxyStructuredResultV2>;

/**
 * Builds the middy Lambda handler that serves a group of routes (one bounded
 * context): it dispatches on the event's `routeKey`, logs one line per
 * request and maps every error to a problem response. Its log lines name the
 * route template (or a redacted path) and pass through {@link redactingLogger},
 * so no signed link or bearer token is ever logged.
 *
 * @example export const handler = createHttpHandler(routesOf('settings'), buildAwsSettingsDeps(process.env));
 */
export function createHttpHandler<C extends RouteContext>(
  routes: readonly Route<unknown, unknown, unknown, C>[],
  deps: ContextDeps<C>,
): HttpHandler {
  const byKey = new Map(routes.map((route) => [`${route.method} ${route.path}`, route]));
  const logger = redactingLogger(deps.logger);
  const handler = middy<APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2>()
    .use(requestLog(logger, new RouteNamer(routes)))
    .use(problemDetails(logger))
    .handler(async (event) => {
      const route = byKey.get(event.routeKey);
      if (!route) throw new NotFoundError(`No route for ${event.routeKey}`);
      return toApiGatewayResult(await runRoute(route, event, deps));
    });
  return handler as unknown as HttpHandler;
}

/**
 * A Lambda entry for a context: builds the handler (and its composition
 * root) on the first invocation, so importing the module builds nothing and
 * a deployment error (a missing variable) is reported by that invocation. A
 * failed build is not cached: the next invocation retries.
 *
 * @example export const handler = lazyHttpHandler(() => createHttpHandler(routesOf('system'), buildAwsSystemDeps(process.env)));
 */
export function lazyHttpHandler(build: () => HttpHandler): HttpHandler {
  let handler: HttpHandler | undefined;
  return (event, context) => {
    handler ??= build();
    return handler(event, context);
  };
}

/** Serialises a handler result for API Gateway. */
export function toApiGatewayResult(result: HttpResult): APIGatewayProxyStructuredResultV2 {
  if (result.rawBody !== undefined) {
    return { statusCode: result.status, headers: result.headers ?? {}, body: result.rawBody };
  }
  if (result.body === undefined) return { statusCode: result.status, headers: result.headers ?? {} };
  return {
    statusCode: result.status,
    headers: { 'content-type': 'application/json', ...result.headers },
    body: JSON.stringify(result.body),
  };
}
