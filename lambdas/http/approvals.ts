/** Lambda entry point for the approvals routes: environments, change requests and the approval page. */
import { buildAwsApprovalsDeps } from '../../shared/composition/build-aws-approvals-deps.ts';
import { approvalsContextRoutes } from '../../shared/http/context-routes/approvals-context-routes.ts';
import { createHttpHandler, lazyHttpHandler } from '../../shared/http/create-http-handler.ts';

/** The approvals context's handler: dispatches on `routeKey`; its composition root is built on the first invocation. */
export const handler = lazyHttpHandler(() =>
  createHttpHandler(approvalsContextRoutes, buildAwsApprovalsDeps(process.env)),
);
