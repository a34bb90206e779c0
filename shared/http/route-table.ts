import { buildOpenApi } from './openapi.ts';
import type { Route, RouteContext } from './route.ts';
import { approvalPageRoutes } from './routes/approval-page-routes.ts';
import { changeRequestRoutes } from './routes/change-request-routes.ts';
import { effectiveRoutes } from './routes/effective-routes.ts';
import { environmentRoutes } from './routes/environment-routes.ts';
import { policyRoutes } from './routes/policy-routes.ts';
import { profileRoutes } from './routes/profile-routes.ts';
import { schemaRoutes } from './routes/schema-routes.ts';
import { settingsRoutes } from './routes/settings-routes.ts';
import { snapshotRoutes } from './routes/snapshot-routes.ts';
import { healthRoute, openApiRoute } from './routes/system-routes.ts';

let openApiDocument: ReturnType<typeof buildOpenApi> | undefined;

/**
 * The one route table: the local server serves it, the CDK stack builds the
 * HTTP API from it, and the OpenAPI document is generated from it.
 */
export const routeTable: readonly Route[] = [
  healthRoute,
  openApiRoute(() => {
    openApiDocument ??= buildOpenApi(routeTable);
    return openApiDocument;
  }),
  ...settingsRoutes,
  ...effectiveRoutes,
  ...profileRoutes,
  ...schemaRoutes,
  ...policyRoutes,
  ...snapshotRoutes,
  ...environmentRoutes,
  ...changeRequestRoutes,
  ...approvalPageRoutes,
];

/** The routes of one bounded context (one Lambda function on AWS), whose handlers take that context's ports. */
export function routesOf<C extends RouteContext>(context: C): Route<unknown, unknown, unknown, C>[] {
  return routeTable.filter(
    (route): route is Route<unknown, unknown, unknown, C> => route.context === context,
  );
}

/** Every bounded context that has routes. */
export function routeContexts(): RouteContext[] {
  return [...new Set(routeTable.map((route) => route.context))];
}
