/** Lambda entry point for the settings routes (API Gateway v2 events). */
import { buildAwsDeps } from '../../shared/composition/build-aws-deps.ts';
import { createHttpHandler } from '../../shared/http/create-http-handler.ts';
import { routesOf } from '../../shared/http/route-table.ts';

/** The settings context's handler: dispatches on `routeKey`. */
export const handler = createHttpHandler(routesOf('settings'), buildAwsDeps(process.env));
