/** Lambda entry point for the approvals routes: environments, change requests and the approval page. */
import { buildAwsApprovalsDeps } from '../../shared/composition/build-aws-approvals-deps.ts';
import { createHttpHandler, lazyHttpHandler } from '../../shared/http/create-http-handler.ts';
import { routesOf } from '../../shared/http/route-table.ts';

/** The approvals context's handler: dispatches on `routeKey`; its composition root is built on the first invocation. */
export const handler = lazyHttpHandler(() =>
  createHttpHandler(routesOf('approvals'), buildAwsApprovalsDeps(process.env)),
);
