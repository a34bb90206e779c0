import type { Route } from '../route.ts';
import { driftPolicyRoutes } from '../routes/drift-policy-routes.ts';
import { effectiveRoutes } from '../routes/effective-routes.ts';
import { policyRoutes } from '../routes/policy-routes.ts';
import { profileRoutes } from '../routes/profile-routes.ts';
import { schemaRoutes } from '../routes/schema-routes.ts';
import { settingsRoutes } from '../routes/settings-routes.ts';
import { snapshotRoutes } from '../routes/snapshot-routes.ts';

/** The routes of the settings context: settings layers, effective settings, profiles, schemas, policies, snapshots. */
export const settingsContextRoutes = [
  ...settingsRoutes,
  ...effectiveRoutes,
  ...profileRoutes,
  ...schemaRoutes,
  ...policyRoutes,
  ...snapshotRoutes,
  ...driftPolicyRoutes,
] as Route<unknown, unknown, unknown, 'settings'>[];
