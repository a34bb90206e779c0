import { type LazyRoutes, lazyRoutes, type RouteLoaders } from '../lazy-routes.ts';
import type { clustersRouteGroups } from './clusters-context-routes.ts';

/** The JSON of the clusters context's route index, prebuilt into its Lambda bundle (`houseBuildOptions`). */
declare const PLUMBLINE_ROUTES_CLUSTERS: string | undefined;

/** One loader per group of {@link clustersRouteGroups}: each imports its module on first use. */
export const clustersRouteLoaders: RouteLoaders<typeof clustersRouteGroups> = {
  clusters: async () => (await import('../routes/cluster-routes.ts')).clusterRoutes,
  driftReports: async () => (await import('../routes/drift-report-routes.ts')).driftReportRoutes,
};

/**
 * The clusters context's routes for its Lambda entry: the keys from the prebuilt
 * index at cold start, each group's declarations on its first request.
 *
 * @example export const handler = lazyHttpHandler(() => createHttpHandler(clustersLazyRoutes(), buildAwsClustersDeps(process.env)));
 */
export function clustersLazyRoutes(): LazyRoutes<'clusters'> {
  return lazyRoutes(
    typeof PLUMBLINE_ROUTES_CLUSTERS === 'string' ? PLUMBLINE_ROUTES_CLUSTERS : undefined,
    clustersRouteLoaders,
  );
}
