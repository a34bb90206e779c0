import type { Route, RouteContext } from './route.ts';

/**
 * A context's routes by group: each group is the route list of one module
 * of `routes/`, whose declarations (schemas, handlers) load together.
 */
export type RouteGroups = Readonly<Record<string, readonly Route[]>>;

/** For each group of `G`, a loader that imports its module (a chunk of its own in a split bundle). */
export type RouteLoaders<G extends RouteGroups> = { readonly [K in keyof G]: () => Promise<G[K]> };

/** A context's route keys (`GET /v1/profiles/{name}`) by group: all a Lambda needs at cold start. */
export type RouteIndex = Record<string, string[]>;

/**
 * Routes whose keys are known at cold start and whose declarations (schemas,
 * handler) load with the first request of their group: one invocation
 * serves one route, so a cold start pays for its own route's code only.
 */
export interface LazyRoutes<C extends RouteContext> {
  /** `METHOD /path` of every route (dispatch and the request log's route names). */
  readonly keys: readonly string[];
  /** The route of `key`, its group imported on first use; `undefined` for a key the context does not serve. */
  load(key: string): Promise<Route<unknown, unknown, unknown, C> | undefined>;
}

/** The key API Gateway puts in `routeKey` for a route. */
export function routeKey(route: Pick<Route, 'method' | 'path'>): string {
  return `${route.method} ${route.path}`;
}

/**
 * The index of a context's groups, as `houseBuildOptions` prebuilds it for
 * each context's Lambda bundle (`routeIndexDefine`).
 *
 * @example routeIndexOf({ profiles: profileRoutes }) // { profiles: ['GET /v1/profiles', ...] }
 */
export function routeIndexOf(groups: RouteGroups): RouteIndex {
  return Object.fromEntries(Object.entries(groups).map(([group, routes]) => [group, routes.map(routeKey)]));
}

/**
 * The name of the esbuild `define` that holds the JSON of `context`'s
 * {@link RouteIndex} in Lambda bundles (`PLUMBLINE_ROUTES_SERVICE_ACCOUNTS`).
 */
export function routeIndexDefine(context: RouteContext): string {
  return `PLUMBLINE_ROUTES_${context.toUpperCase().replaceAll('-', '_')}`;
}

/**
 * {@link LazyRoutes} from a prebuilt index (the JSON of a {@link RouteIndex})
 * and one loader per group. A group is imported once; a failed import is
 * retried by the next request.
 *
 * @example lazyRoutes(JSON.stringify(routeIndexOf(groups)), { profiles: async () => (await import('./routes/profile-routes.ts')).profileRoutes })
 */
export function lazyRoutes<C extends RouteContext>(
  index: string | undefined,
  loaders: Readonly<Record<string, () => Promise<readonly Route[]>>>,
): LazyRoutes<C> {
  if (index === undefined) {
    throw new Error(
      'This Lambda entry runs bundled (houseBuildOptions prebuilds its route index); unbundled, serve routesOf(context)',
    );
  }
  const groupOf = new Map<string, string>();
  for (const [group, keys] of Object.entries(JSON.parse(index) as RouteIndex)) {
    for (const key of keys) groupOf.set(key, group);
  }
  const loaded = new Map<string, Promise<Map<string, Route>>>();
  const groupRoutes = (group: string): Promise<Map<string, Route>> => {
    let routes = loaded.get(group);
    if (!routes) {
      const load = loaders[group];
      if (!load) return Promise.reject(new Error(`No loader for route group '${group}'`));
      routes = load().then((list) => new Map(list.map((route) => [routeKey(route), route])));
      routes.catch(() => loaded.delete(group));
      loaded.set(group, routes);
    }
    return routes;
  };
  return {
    keys: [...groupOf.keys()],
    load: async (key) => {
      const group = groupOf.get(key);
      if (group === undefined) return undefined;
      return (await groupRoutes(group)).get(key) as Route<unknown, unknown, unknown, C> | undefined;
    },
  };
}
