import type { Route } from '../route.ts';
import { approvalPageRoutes } from '../routes/approval-page-routes.ts';
import { changeRequestRoutes } from '../routes/change-request-routes.ts';
import { environmentRoutes } from '../routes/environment-routes.ts';

/** The routes of the approvals context: environments, change requests, the approval page. */
export const approvalsContextRoutes = [
  ...environmentRoutes,
  ...changeRequestRoutes,
  ...approvalPageRoutes,
] as Route<unknown, unknown, unknown, 'approvals'>[];
