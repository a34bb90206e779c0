import { type LazyRoutes, lazyRoutes, type RouteLoaders } from '../lazy-routes.ts';
import type { secretsRouteGroups } from './secrets-context-routes.ts';

/** The JSON of the secrets context's route index, prebuilt into its Lambda bundle (`houseBuildOptions`). */
declare const PLUMBLINE_ROUTES_SECRETS: string | undefined;

/** One loader per group of {@link secretsRouteGroups}: each imports its module on first use. */
export const secretsRouteLoaders: RouteLoaders<typeof secretsRouteGroups> = {
  write: async () => (await import('../routes/secret-write-routes.ts')).secretWriteRoutes,
  reads: async () => (await import('../routes/secret-read-routes.ts')).secretReadRoutes,
  lifecycle: async () => (await import('../routes/secret-lifecycle-routes.ts')).secretLifecycleRoutes,
  value: async () => (await import('../routes/secret-value-routes.ts')).secretValueRoutes,
};

/**
 * The secrets context's routes for its Lambda entry: the keys from the prebuilt
 * index at cold start, each group's declarations on its first request.
 *
 * @example export const handler = lazyHttpHandler(() => createHttpHandler(secretsLazyRoutes(), buildAwsSecretsDeps(process.env)));
 */
export function secretsLazyRoutes(): LazyRoutes<'secrets'> {
  return lazyRoutes(
    typeof PLUMBLINE_ROUTES_SECRETS === 'string' ? PLUMBLINE_ROUTES_SECRETS : undefined,
    secretsRouteLoaders,
  );
}
