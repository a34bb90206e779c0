import { type RouteGroups, routesOfGroups } from '../lazy-routes.ts';
import { driftPolicyRoutes } from '../routes/drift-policy-routes.ts';
import { effectiveRoutes } from '../routes/effective-routes.ts';
import { policyRoutes } from '../routes/policy-routes.ts';
import { profileRoutes } from '../routes/profile-routes.ts';
import { schemaRoutes } from '../routes/schema-routes.ts';
import { settingsRoutes } from '../routes/settings-routes.ts';
import { snapshotRoutes } from '../routes/snapshot-routes.ts';

/**
 * The route groups of the settings context, one per module of `routes/`: in its
 * Lambda bundle each loads with the first request of one of its routes
 * (`settings-route-loaders.ts`), so a cold start loads only its own group.
 */
export const settingsRouteGroups = {
  settings: settingsRoutes,
  effective: effectiveRoutes,
  profiles: profileRoutes,
  schemas: schemaRoutes,
  policies: policyRoutes,
  snapshots: snapshotRoutes,
  driftPolicies: driftPolicyRoutes,
} as const satisfies RouteGroups;

/** The routes of the settings context: settings layers, effective settings, profiles, schemas, policies, snapshots. */
export const settingsContextRoutes = routesOfGroups<'settings'>(settingsRouteGroups);
