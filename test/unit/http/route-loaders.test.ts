import { describe, expect, it } from 'vitest';
import { approvalsRouteGroups } from '../../../shared/http/context-routes/approvals-context-routes.ts';
import { approvalsRouteLoaders } from '../../../shared/http/context-routes/approvals-route-loaders.ts';
import { clustersRouteGroups } from '../../../shared/http/context-routes/clusters-context-routes.ts';
import { clustersRouteLoaders } from '../../../shared/http/context-routes/clusters-route-loaders.ts';
import { secretsRouteGroups } from '../../../shared/http/context-routes/secrets-context-routes.ts';
import { secretsRouteLoaders } from '../../../shared/http/context-routes/secrets-route-loaders.ts';
import { serviceAccountsRouteGroups } from '../../../shared/http/context-routes/service-accounts-context-routes.ts';
import { serviceAccountsRouteLoaders } from '../../../shared/http/context-routes/service-accounts-route-loaders.ts';
import { settingsRouteGroups } from '../../../shared/http/context-routes/settings-context-routes.ts';
import { settingsRouteLoaders } from '../../../shared/http/context-routes/settings-route-loaders.ts';
import {
  decodeRouteIndex,
  encodeRouteIndex,
  lazyRoutes,
  type RouteGroups,
  routeIndexOf,
} from '../../../shared/http/lazy-routes.ts';
import type { Route } from '../../../shared/http/route.ts';
import { lazyRouteGroups } from '../../../shared/http/route-table.ts';

type Loaders = Readonly<Record<string, () => Promise<readonly Route[]>>>;

const CONTEXTS: [string, RouteGroups, Loaders][] = [
  ['settings', settingsRouteGroups, settingsRouteLoaders],
  ['approvals', approvalsRouteGroups, approvalsRouteLoaders],
  ['clusters', clustersRouteGroups, clustersRouteLoaders],
  ['secrets', secretsRouteGroups, secretsRouteLoaders],
  ['service-accounts', serviceAccountsRouteGroups, serviceAccountsRouteLoaders],
];

describe('the route loaders of the Lambdas that load their route groups lazily', () => {
  it('covers every context whose index houseBuildOptions prebuilds', () => {
    expect(CONTEXTS.map(([context]) => context).sort()).toEqual(Object.keys(lazyRouteGroups).sort());
  });

  it.each(CONTEXTS)(
    '%s: each loader imports exactly the routes of its own group',
    async (_, groups, loaders) => {
      for (const [group, routes] of Object.entries(groups)) {
        // Act
        const loaded = await loaders[group]?.();
        // Assess
        expect(
          loaded?.map((r) => r.id),
          group,
        ).toEqual(routes.map((r) => r.id));
      }
    },
  );

  it.each(CONTEXTS)(
    '%s: every route of the context is served from the prebuilt index',
    async (_, groups, loaders) => {
      // Prepare
      const routes = lazyRoutes(encodeRouteIndex(routeIndexOf(groups)), loaders);
      // Act
      const served = await Promise.all(routes.keys.map((key) => routes.load(key)));
      // Assess
      expect(served.map((r) => r?.id)).toEqual(
        Object.values(groups).flatMap((list) => list.map((r) => r.id)),
      );
    },
  );

  it.each(CONTEXTS)(
    '%s: the prebuilt index decodes to every route key of every group, in order',
    (_, groups) => {
      // Prepare
      const index = routeIndexOf(groups);
      // Act
      const encoded = encodeRouteIndex(index);
      // Assess: the same keys, and shorter than the plain JSON it replaces.
      expect(decodeRouteIndex(encoded)).toEqual(index);
      expect(encoded.length).toBeLessThan(JSON.stringify(index).length);
    },
  );

  it('decodes keys that share more than the longest prefix one digit can say, and keys that share nothing', () => {
    // Prepare: 90 shared characters (more than the 78 one character says) and a change of path under a long common prefix.
    const long = `/v1/${'a'.repeat(86)}`;
    const index = { g: [`GET ${long}`, `PUT ${long}`, `GET ${long}/b`, 'POST /x', 'GET /v1/y'] };
    // Act
    const decoded = decodeRouteIndex(encodeRouteIndex(index));
    // Assess
    expect(decoded).toEqual(index);
  });

  it('refuses at build what it could not decode back: an empty group, a key with a comma, a key without a method', () => {
    expect(() => encodeRouteIndex({ g: [] })).toThrow('route group g has no route');
    expect(() => encodeRouteIndex({ g: ['GET /v1/a,b'] })).toThrow('cannot be front-coded');
    expect(() => encodeRouteIndex({ g: ['/v1/a'] })).toThrow('cannot be front-coded');
  });
});
