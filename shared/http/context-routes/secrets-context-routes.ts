import { type RouteGroups, routesOfGroups } from '../lazy-routes.ts';
import { secretLifecycleRoutes } from '../routes/secret-lifecycle-routes.ts';
import { secretReadRoutes } from '../routes/secret-read-routes.ts';
import { secretValueRoutes } from '../routes/secret-value-routes.ts';
import { secretWriteRoutes } from '../routes/secret-write-routes.ts';

/**
 * The route groups of the secrets context, one per module of `routes/`: in its
 * Lambda bundle each loads with the first request of one of its routes
 * (`secrets-route-loaders.ts`), so a cold start loads only its own group.
 */
export const secretsRouteGroups = {
  write: secretWriteRoutes,
  reads: secretReadRoutes,
  lifecycle: secretLifecycleRoutes,
  value: secretValueRoutes,
} as const satisfies RouteGroups;

/** The routes of the secrets context (issue 13): metadata, versions, rotation, deletion, values. */
export const secretsContextRoutes = routesOfGroups<'secrets'>(secretsRouteGroups);
