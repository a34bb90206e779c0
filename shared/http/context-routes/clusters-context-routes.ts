import { type RouteGroups, routesOfGroups } from '../lazy-routes.ts';
import { clusterRoutes } from '../routes/cluster-routes.ts';
import { driftReportRoutes } from '../routes/drift-report-routes.ts';

/**
 * The route groups of the clusters context, one per module of `routes/`: in its
 * Lambda bundle each loads with the first request of one of its routes
 * (`clusters-route-loaders.ts`), so a cold start loads only its own group.
 */
export const clustersRouteGroups = {
  clusters: clusterRoutes,
  driftReports: driftReportRoutes,
} as const satisfies RouteGroups;

/** The routes of the clusters context (issue 14): clusters, observations, scans and drift reports. */
export const clustersContextRoutes = routesOfGroups<'clusters'>(clustersRouteGroups);
