import { type LazyRoutes, lazyRoutes, type RouteLoaders } from '../lazy-routes.ts';
import type { approvalsRouteGroups } from './approvals-context-routes.ts';

/** The JSON of the approvals context's route index, prebuilt into its Lambda bundle (`houseBuildOptions`). */
declare const PLUMBLINE_ROUTES_APPROVALS: string | undefined;

/** One loader per group of {@link approvalsRouteGroups}: each imports its module on first use. */
export const approvalsRouteLoaders: RouteLoaders<typeof approvalsRouteGroups> = {
  environments: async () => (await import('../routes/environment-routes.ts')).environmentRoutes,
  changeRequests: async () => (await import('../routes/change-request-routes.ts')).changeRequestRoutes,
  approvalPage: async () => (await import('../routes/approval-page-routes.ts')).approvalPageRoutes,
};

/**
 * The approvals context's routes for its Lambda entry: the keys from the prebuilt
 * index at cold start, each group's declarations on its first request.
 *
 * @example export const handler = lazyHttpHandler(() => createHttpHandler(approvalsLazyRoutes(), buildAwsApprovalsDeps(process.env)));
 */
export function approvalsLazyRoutes(): LazyRoutes<'approvals'> {
  return lazyRoutes(
    typeof PLUMBLINE_ROUTES_APPROVALS === 'string' ? PLUMBLINE_ROUTES_APPROVALS : undefined,
    approvalsRouteLoaders,
  );
}
