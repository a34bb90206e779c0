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

/**
 * A context's routes as one list, its groups flattened in their order (the
 * route table and OpenAPI follow it).
 *
 * @example export const approvalsContextRoutes = routesOfGroups<'approvals'>(approvalsRouteGroups);
 */
export function routesOfGroups<C extends RouteContext>(
  groups: RouteGroups,
): Route<unknown, unknown, unknown, C>[] {
  return Object.values(groups).flat() as Route<unknown, unknown, unknown, C>[];
}

/** The key API Gateway puts in `routeKey` for a route. */
export function routeKey(route: Pick<Route, 'method' | 'path'>): string {
  return `${route.method} ${route.path}`;
}

/**
 * The index of a context's groups, as `houseBuildOptions` prebuilds it
 * ({@link encodeRouteIndex}) for each context's Lambda bundle (`routeIndexDefine`).
 *
 * @example routeIndexOf({ profiles: profileRoutes }) // { profiles: ['GET /v1/profiles', ...] }
 */
export function routeIndexOf(groups: RouteGroups): RouteIndex {
  return Object.fromEntries(Object.entries(groups).map(([group, routes]) => [group, routes.map(routeKey)]));
}

/** The character code of a shared-prefix length of 0 in {@link encodeRouteIndex} (`'0'`; 78 is `'~'`). */
const PREFIX_ZERO = 48;
/** The longest shared prefix one character can say (`'~'`, the last printable ASCII character). */
const PREFIX_MAX = 126 - PREFIX_ZERO;

/**
 * The prebuilt form of a {@link RouteIndex}: JSON of each group's keys, in
 * their order, front-coded. Each key is written `path METHOD` (a key of the
 * same path or a sibling path then shares most of its predecessor), as one
 * character saying how many leading characters it shares with the previous
 * key of its group (`'0'` for none, `'1'` for one ... up to
 * {@link PREFIX_MAX}) and the rest; keys are separated by `,`, which no
 * route path or method holds (nor the length character: `,` is below `'0'`). The settings index is 0.9 KiB
 * this way instead of 2.3 KiB of plain JSON, at every cold start.
 *
 * @example encodeRouteIndex({ profiles: ['GET /v1/profiles', 'GET /v1/profiles/{name}', 'PUT /v1/profiles/{name}'] }) // '{"profiles":"0/v1/profiles GET,</{name} GET,DPUT"}'
 */
export function encodeRouteIndex(index: RouteIndex): string {
  const groups: Record<string, string> = {};
  for (const [group, keys] of Object.entries(index)) {
    // Refused at build rather than decoded wrongly at run time: an empty group would decode to one
    // key, and a `,` in a key would split it.
    if (keys.length === 0) throw new Error(`route group ${group} has no route`);
    const bad = keys.find((key) => key.includes(',') || !key.includes(' '));
    if (bad !== undefined) throw new Error(`route key "${bad}" cannot be front-coded (a ',' or no method)`);
    let previous = '';
    groups[group] = keys
      .map((key) => {
        const space = key.indexOf(' ');
        const text = `${key.slice(space + 1)} ${key.slice(0, space)}`;
        let shared = 0;
        while (shared < PREFIX_MAX && shared < text.length && text[shared] === previous[shared]) shared++;
        previous = text;
        return `${String.fromCharCode(PREFIX_ZERO + shared)}${text.slice(shared)}`;
      })
      .join(',');
  }
  return JSON.stringify(groups);
}

/** The {@link RouteIndex} of the text {@link encodeRouteIndex} made. */
export function decodeRouteIndex(encoded: string): RouteIndex {
  const index: RouteIndex = {};
  for (const [group, keys] of Object.entries(JSON.parse(encoded) as Record<string, string>)) {
    let previous = '';
    index[group] = keys.split(',').map((entry) => {
      previous = previous.slice(0, entry.charCodeAt(0) - PREFIX_ZERO) + entry.slice(1);
      const space = previous.lastIndexOf(' ');
      return `${previous.slice(space + 1)} ${previous.slice(0, space)}`;
    });
  }
  return index;
}

/**
 * The name of the esbuild `define` that holds `context`'s {@link RouteIndex}
 * ({@link encodeRouteIndex}) in Lambda bundles (`PLUMBLINE_ROUTES_SERVICE_ACCOUNTS`).
 */
export function routeIndexDefine(context: RouteContext): string {
  return `PLUMBLINE_ROUTES_${context.toUpperCase().replaceAll('-', '_')}`;
}

/**
 * {@link LazyRoutes} from a prebuilt index ({@link encodeRouteIndex})
 * and one loader per group. A group is imported once; a failed import is
 * retried by the next request.
 *
 * @example lazyRoutes(encodeRouteIndex(routeIndexOf(groups)), { profiles: async () => (await import('./routes/profile-routes.ts')).profileRoutes })
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
  for (const [group, keys] of Object.entries(decodeRouteIndex(index))) {
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
