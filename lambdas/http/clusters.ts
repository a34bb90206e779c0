/** Lambda entry point for the clusters and drift report routes (API Gateway v2 events, issue 14). */
import { buildAwsClustersDeps } from '../../shared/composition/build-aws-clusters-deps.ts';
import { clustersLazyRoutes } from '../../shared/http/context-routes/clusters-route-loaders.ts';
import { createHttpHandler, lazyHttpHandler } from '../../shared/http/create-http-handler.ts';

/** The clusters context's handler: dispatches on `routeKey`; its composition root is built on the first invocation, each route group's schemas and handlers on the group's first request. */
export const handler = lazyHttpHandler(() =>
  createHttpHandler(clustersLazyRoutes(), buildAwsClustersDeps(process.env)),
);
