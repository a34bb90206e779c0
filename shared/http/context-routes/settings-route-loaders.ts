import { type LazyRoutes, lazyRoutes, type RouteLoaders } from '../lazy-routes.ts';
import type { settingsRouteGroups } from './settings-context-routes.ts';

/** The JSON of the settings context's route index, prebuilt into its Lambda bundle (`houseBuildOptions`). */
declare const PLUMBLINE_ROUTES_SETTINGS: string | undefined;

/** One loader per group of {@link settingsRouteGroups}: each imports its module on first use. */
export const settingsRouteLoaders: RouteLoaders<typeof settingsRouteGroups> = {
  settings: async () => (await import('../routes/settings-routes.ts')).settingsRoutes,
  effective: async () => (await import('../routes/effective-routes.ts')).effectiveRoutes,
  profiles: async () => (await import('../routes/profile-routes.ts')).profileRoutes,
  schemas: async () => (await import('../routes/schema-routes.ts')).schemaRoutes,
  policies: async () => (await import('../routes/policy-routes.ts')).policyRoutes,
  snapshots: async () => (await import('../routes/snapshot-routes.ts')).snapshotRoutes,
  driftPolicies: async () => (await import('../routes/drift-policy-routes.ts')).driftPolicyRoutes,
};

/**
 * The settings context's routes for its Lambda entry: the keys from the prebuilt
 * index at cold start, each group's declarations on its first request.
 *
 * @example export const handler = lazyHttpHandler(() => createHttpHandler(settingsLazyRoutes(), buildAwsSettingsDeps(process.env)));
 */
export function settingsLazyRoutes(): LazyRoutes<'settings'> {
  return lazyRoutes(
    typeof PLUMBLINE_ROUTES_SETTINGS === 'string' ? PLUMBLINE_ROUTES_SETTINGS : undefined,
    settingsRouteLoaders,
  );
}
