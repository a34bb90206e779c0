import { type RouteGroups, routesOfGroups } from '../lazy-routes.ts';
import { serviceAccountChangeRoutes } from '../routes/service-account-change-routes.ts';
import { serviceAccountCreateRoutes } from '../routes/service-account-create-routes.ts';
import { serviceAccountReadRoutes } from '../routes/service-account-read-routes.ts';

/**
 * The route groups of the service-accounts context, one per module of `routes/`:
 * in its Lambda bundle each loads with the first request of one of its routes
 * (`service-accounts-route-loaders.ts`), so a cold start loads only its own group.
 */
export const serviceAccountsRouteGroups = {
  create: serviceAccountCreateRoutes,
  reads: serviceAccountReadRoutes,
  changes: serviceAccountChangeRoutes,
} as const satisfies RouteGroups;

/** The routes of the service-accounts context (issue 15): create, list, show, rotate, delete. */
export const serviceAccountsContextRoutes = routesOfGroups<'service-accounts'>(serviceAccountsRouteGroups);
