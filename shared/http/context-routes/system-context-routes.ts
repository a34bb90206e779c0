import type { Route } from '../route.ts';
import { healthRoute, openApiRoute } from '../routes/system-routes.ts';

/** Defined (`true`) only inside Lambda bundles, whose OpenAPI document is prebuilt (`houseBuildOptions`). */
declare const PLUMBLINE_OPENAPI_PREBUILT: boolean | undefined;

/**
 * The routes of the system context. In a Lambda bundle the OpenAPI document
 * is prebuilt and loaded on its first request, so the system function
 * carries no other context's code and no schema converter; unbundled (the
 * local runtime, tests) it is built from the route table on first request.
 */
export const systemContextRoutes = [
  healthRoute,
  openApiRoute(async () =>
    typeof PLUMBLINE_OPENAPI_PREBUILT === 'boolean'
      ? (await import('../openapi-prebuilt.ts')).prebuiltOpenApiDocument()
      : (await import('../openapi-document.ts')).openApiDocument(),
  ),
] as Route<unknown, unknown, unknown, 'system'>[];
