/** Lambda entry point for the approvals routes: environments, change requests and the approval page. */
import { buildAwsDeps } from '../../shared/composition/build-aws-deps.ts';
import { createHttpHandler } from '../../shared/http/create-http-handler.ts';
import { routesOf } from '../../shared/http/route-table.ts';

/** The approvals context's handler: dispatches on `routeKey`. */
export const handler = createHttpHandler(routesOf('approvals'), buildAwsDeps(process.env));
