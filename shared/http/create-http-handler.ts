import middy from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { NotFoundError } from '../domain/errors.ts';
import type { ContextDeps } from './context-ports.ts';
import type { HttpResult } from './http-result.ts';
import { type LazyRoutes, routeKey } from './lazy-routes.ts';
import { problemDetails } from './problem-middleware.ts';
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
 * `routes` is a list (the local runtime) or {@link LazyRoutes} (the Lambda
 * entries: route keys at cold start, each route group's schemas and
 * handlers on its first request).
 *
 * @example export const handler = createHttpHandler(routesOf('settings'), buildAwsSettingsDeps(process.env));
 */
export function createHttpHandler<C extends RouteContext>(
  routes: readonly Route<unknown, unknown, unknown, C>[] | LazyRoutes<C>,
  deps: ContextDeps<C>,
): HttpHandler {
  const source = 'load' in routes ? routes : eagerRoutes(routes);
  const logger = redactingLogger(deps.logger);
  const handler = middy<APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2>()
    .use(requestLog(logger, new RouteNamer(source.keys.map(methodAndPath))))
    .use(problemDetails(logger))
    .handler(async (event) => {
      const route = await source.load(event.routeKey);
      if (!route) throw new NotFoundError(`No route for ${event.routeKey}`);
      return toApiGatewayResult(await runRoute(route, event, deps));
    });
  return handler as unknown as HttpHandler;
}

/** A route list as {@link LazyRoutes} (everything already loaded). */
function eagerRoutes<C extends RouteContext>(
  routes: readonly Route<unknown, unknown, unknown, C>[],
): LazyRoutes<C> {
  const byKey = new Map(routes.map((route) => [routeKey(route), route]));
  return { keys: [...byKey.keys()], load: async (key) => byKey.get(key) };
}

/** `GET /v1/x/{id}` as its method and path. */
function methodAndPath(key: string): { method: string; path: string } {
  const space = key.indexOf(' ');
  return { method: key.slice(0, space), path: key.slice(space + 1) };
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
