/** Lambda entry point for the service-accounts routes (API Gateway v2 events, issue 15). */
import { buildAwsServiceAccountsDeps } from '../../shared/composition/build-aws-service-accounts-deps.ts';
import { serviceAccountsContextRoutes } from '../../shared/http/context-routes/service-accounts-context-routes.ts';
import { createHttpHandler, lazyHttpHandler } from '../../shared/http/create-http-handler.ts';

/** The service-accounts context's handler: dispatches on `routeKey`; its composition root is built on the first invocation. */
export const handler = lazyHttpHandler(() =>
  createHttpHandler(serviceAccountsContextRoutes, buildAwsServiceAccountsDeps(process.env)),
);
