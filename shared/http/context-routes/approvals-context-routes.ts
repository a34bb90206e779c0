import { type RouteGroups, routesOfGroups } from '../lazy-routes.ts';
import { approvalPageRoutes } from '../routes/approval-page-routes.ts';
import { changeRequestRoutes } from '../routes/change-request-routes.ts';
import { environmentRoutes } from '../routes/environment-routes.ts';

/**
 * The route groups of the approvals context, one per module of `routes/`: in its
 * Lambda bundle each loads with the first request of one of its routes
 * (`approvals-route-loaders.ts`), so a cold start loads only its own group.
 */
export const approvalsRouteGroups = {
  environments: environmentRoutes,
  changeRequests: changeRequestRoutes,
  approvalPage: approvalPageRoutes,
} as const satisfies RouteGroups;

/** The routes of the approvals context: environments, change requests, the approval page. */
export const approvalsContextRoutes = routesOfGroups<'approvals'>(approvalsRouteGroups);
