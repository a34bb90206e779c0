/** Lambda entry point for the public system routes (health, OpenAPI). */
import { buildAwsDeps } from '../../shared/composition/build-aws-deps.ts';
import { createHttpHandler } from '../../shared/http/create-http-handler.ts';
import { routesOf } from '../../shared/http/route-table.ts';

/** The system context's handler: dispatches on `routeKey`. */
export const handler = createHttpHandler(routesOf('system'), buildAwsDeps(process.env));
