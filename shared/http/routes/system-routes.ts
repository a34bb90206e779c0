import * as v from 'valibot';
import { json } from '../http-result.ts';
import { defineRoute, type Route } from '../route.ts';

/** `GET /v1/health`: public liveness check. */
export const healthRoute: Route = defineRoute({
  id: 'health',
  method: 'GET',
  path: '/v1/health',
  context: 'system',
  permission: null,
  summary: 'Liveness check',
  tags: ['system'],
  responses: { 200: { description: 'The API is up', schema: v.object({ status: v.literal('ok') }) } },
  handle: async () => json(200, { status: 'ok' }),
});

/** `GET /v1/openapi.json`: the OpenAPI 3.1 document generated from the route table. */
export function openApiRoute(document: () => unknown): Route {
  return defineRoute({
    id: 'openapi',
    method: 'GET',
    path: '/v1/openapi.json',
    context: 'system',
    permission: null,
    summary: 'This API as an OpenAPI 3.1 document',
    tags: ['system'],
    responses: { 200: { description: 'The OpenAPI document' } },
    handle: async () => json(200, document(), { 'cache-control': 'public, max-age=300' }),
  });
}
