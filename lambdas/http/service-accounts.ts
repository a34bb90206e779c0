/** Lambda entry point for the service-accounts routes (API Gateway v2 events, issue 15). */
import { buildAwsServiceAccountsDeps } from '../../shared/composition/build-aws-service-accounts-deps.ts';
import { serviceAccountsLazyRoutes } from '../../shared/http/context-routes/service-accounts-route-loaders.ts';
import { createHttpHandler, lazyHttpHandler } from '../../shared/http/create-http-handler.ts';

/** The service-accounts context's handler: dispatches on `routeKey`; its composition root is built on the first invocation, each route group's schemas and handlers on the group's first request. */
export const handler = lazyHttpHandler(() =>
  createHttpHandler(serviceAccountsLazyRoutes(), buildAwsServiceAccountsDeps(process.env)),
);
