import type { Route } from '../route.ts';
import { healthRoute, openApiRoute } from '../routes/system-routes.ts';

/**
 * The routes of the system context. The OpenAPI document is built from the
 * whole route table on its first request, in a module loaded only then: the
 * system function's cold start carries no other context's code and no
 * schema converter.
 */
export const systemContextRoutes = [
  healthRoute,
  openApiRoute(async () => (await import('../openapi-document.ts')).openApiDocument()),
] as Route<unknown, unknown, unknown, 'system'>[];
