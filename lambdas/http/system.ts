/** Lambda entry point for the public system routes (health, OpenAPI). */
import { buildAwsSystemDeps } from '../../shared/composition/build-aws-system-deps.ts';
import { createHttpHandler, lazyHttpHandler } from '../../shared/http/create-http-handler.ts';
import { routesOf } from '../../shared/http/route-table.ts';

/** The system context's handler: dispatches on `routeKey`; its composition root is built on the first invocation. */
export const handler = lazyHttpHandler(() =>
  createHttpHandler(routesOf('system'), buildAwsSystemDeps(process.env)),
);
