import type { Route } from '../route.ts';
import { clusterRoutes } from '../routes/cluster-routes.ts';
import { driftReportRoutes } from '../routes/drift-report-routes.ts';

/** The routes of the clusters context (issue 14): clusters, observations, scans and drift reports. */
export const clustersContextRoutes = [...clusterRoutes, ...driftReportRoutes] as Route<
  unknown,
  unknown,
  unknown,
  'clusters'
>[];
