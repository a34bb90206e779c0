import { approvalsContextRoutes, approvalsRouteGroups } from './context-routes/approvals-context-routes.ts';
import { clustersContextRoutes, clustersRouteGroups } from './context-routes/clusters-context-routes.ts';
import { secretsContextRoutes, secretsRouteGroups } from './context-routes/secrets-context-routes.ts';
import {
  serviceAccountsContextRoutes,
  serviceAccountsRouteGroups,
} from './context-routes/service-accounts-context-routes.ts';
import { settingsContextRoutes, settingsRouteGroups } from './context-routes/settings-context-routes.ts';
import { systemContextRoutes } from './context-routes/system-context-routes.ts';
import type { RouteGroups } from './lazy-routes.ts';
import type { Route, RouteContext } from './route.ts';

/**
 * The one route table: the local server serves it, the CDK stack builds the
 * HTTP API from it, and the OpenAPI document is generated from it. It is the
 * union of the contexts' route lists (`context-routes/`), which each Lambda
 * entry imports alone so that its bundle carries only its own routes.
 */
export const routeTable: readonly Route[] = [
  ...systemContextRoutes,
  ...settingsContextRoutes,
  ...approvalsContextRoutes,
  ...secretsContextRoutes,
  ...clustersContextRoutes,
  ...serviceAccountsContextRoutes,
];

/** The routes of one bounded context (one Lambda function on AWS), whose handlers take that context's ports. */
export function routesOf<C extends RouteContext>(context: C): Route<unknown, unknown, unknown, C>[] {
  return routeTable.filter(
    (route): route is Route<unknown, unknown, unknown, C> => route.context === context,
  );
}

/** Every bounded context that has routes. */
export function routeContexts(): RouteContext[] {
  return [...new Set(routeTable.map((route) => route.context))];
}

/**
 * The route groups of each context whose Lambda loads its routes lazily
 * (`context-routes/<context>-route-loaders.ts`); `houseBuildOptions`
 * prebuilds their indexes into the bundles.
 */
export const lazyRouteGroups: Partial<Record<RouteContext, RouteGroups>> = {
  settings: settingsRouteGroups,
  approvals: approvalsRouteGroups,
  clusters: clustersRouteGroups,
  secrets: secretsRouteGroups,
  'service-accounts': serviceAccountsRouteGroups,
};
