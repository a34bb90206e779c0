/** Lambda entry point for the public system routes (health, OpenAPI). */
import { buildAwsSystemDeps } from '../../shared/composition/build-aws-system-deps.ts';
import { systemContextRoutes } from '../../shared/http/context-routes/system-context-routes.ts';
import { createHttpHandler, lazyHttpHandler } from '../../shared/http/create-http-handler.ts';

/** The system context's handler: dispatches on `routeKey`; its composition root is built on the first invocation. */
export const handler = lazyHttpHandler(() =>
  createHttpHandler(systemContextRoutes, buildAwsSystemDeps(process.env)),
);
