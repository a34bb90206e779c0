import * as v from 'valibot';
import { json } from '../http-result.ts';
import { serverUrlOf, withServer } from '../openapi-servers.ts';
import { defineRoute, type ResponseSpec, type Route } from '../route.ts';

/**
 * The one 4xx a public, parameterless route can answer: API Gateway throttles
 * every route (its own `{"message": "Too Many Requests"}` body, not a problem).
 */
const throttled: Record<number, ResponseSpec> = {
  429: { description: 'Too many requests: the API gateway throttles; retry after a pause' },
};

/** `GET /v1/health`: public liveness check. */
export const healthRoute: Route = defineRoute({
  id: 'health',
  method: 'GET',
  path: '/v1/health',
  context: 'system',
  permission: null,
  summary: 'Liveness check',
  tags: ['system'],
  responses: {
    200: { description: 'The API is up', schema: v.object({ status: v.literal('ok') }) },
    ...throttled,
  },
  handle: async () => json(200, { status: 'ok' }),
});

/**
 * `GET /v1/openapi.json`: the OpenAPI 3.1 document generated from the route
 * table, with `servers` naming the URL it was served from.
 */
export function openApiRoute(document: () => Promise<Record<string, unknown>>): Route {
  return defineRoute({
    id: 'openapi',
    method: 'GET',
    path: '/v1/openapi.json',
    context: 'system',
    permission: null,
    summary: 'This API as an OpenAPI 3.1 document',
    tags: ['system'],
    responses: { 200: { description: 'The OpenAPI document' }, ...throttled },
    handle: async ({ headers }, deps) =>
      json(200, withServer(await document(), serverUrlOf(headers, deps.publicUrl)), {
        'cache-control': 'public, max-age=300',
        // `servers` names the host the document was asked from.
        vary: 'host',
      }),
  });
}
