/** Lambda entry point for the approvals routes: environments, change requests and the approval page. */
import { buildAwsApprovalsDeps } from '../../shared/composition/build-aws-approvals-deps.ts';
import { approvalsLazyRoutes } from '../../shared/http/context-routes/approvals-route-loaders.ts';
import { createHttpHandler, lazyHttpHandler } from '../../shared/http/create-http-handler.ts';

/** The approvals context's handler: dispatches on `routeKey`; its composition root is built on the first invocation, each route group's schemas and handlers on the group's first request. */
export const handler = lazyHttpHandler(() =>
  createHttpHandler(approvalsLazyRoutes(), buildAwsApprovalsDeps(process.env)),
);
