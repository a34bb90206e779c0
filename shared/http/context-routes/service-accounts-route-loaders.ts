import { type LazyRoutes, lazyRoutes, type RouteLoaders } from '../lazy-routes.ts';
import type { serviceAccountsRouteGroups } from './service-accounts-context-routes.ts';

/** The JSON of the service-accounts context's route index, prebuilt into its Lambda bundle (`houseBuildOptions`). */
declare const PLUMBLINE_ROUTES_SERVICE_ACCOUNTS: string | undefined;

/** One loader per group of {@link serviceAccountsRouteGroups}: each imports its module on first use. */
export const serviceAccountsRouteLoaders: RouteLoaders<typeof serviceAccountsRouteGroups> = {
  create: async () => (await import('../routes/service-account-create-routes.ts')).serviceAccountCreateRoutes,
  reads: async () => (await import('../routes/service-account-read-routes.ts')).serviceAccountReadRoutes,
  changes: async () =>
    (await import('../routes/service-account-change-routes.ts')).serviceAccountChangeRoutes,
};

/**
 * The service-accounts context's routes for its Lambda entry: the keys from the
 * prebuilt index at cold start, each group's declarations on its first request.
 *
 * @example export const handler = lazyHttpHandler(() => createHttpHandler(serviceAccountsLazyRoutes(), buildAwsServiceAccountsDeps(process.env)));
 */
export function serviceAccountsLazyRoutes(): LazyRoutes<'service-accounts'> {
  return lazyRoutes(
    typeof PLUMBLINE_ROUTES_SERVICE_ACCOUNTS === 'string' ? PLUMBLINE_ROUTES_SERVICE_ACCOUNTS : undefined,
    serviceAccountsRouteLoaders,
  );
}
