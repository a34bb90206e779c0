import { describe, expect, it } from 'vitest';
import { approvalsContextRoutes } from '../../../shared/http/context-routes/approvals-context-routes.ts';
import { clustersContextRoutes } from '../../../shared/http/context-routes/clusters-context-routes.ts';
import { secretsContextRoutes } from '../../../shared/http/context-routes/secrets-context-routes.ts';
import { serviceAccountsContextRoutes } from '../../../shared/http/context-routes/service-accounts-context-routes.ts';
import { settingsContextRoutes } from '../../../shared/http/context-routes/settings-context-routes.ts';
import { systemContextRoutes } from '../../../shared/http/context-routes/system-context-routes.ts';
import type { Route } from '../../../shared/http/route.ts';
import { routesOf } from '../../../shared/http/route-table.ts';

const CONTEXT_LISTS: Record<
  'system' | 'settings' | 'approvals' | 'secrets' | 'clusters' | 'service-accounts',
  readonly Route[]
> = {
  system: systemContextRoutes,
  settings: settingsContextRoutes,
  approvals: approvalsContextRoutes,
  secrets: secretsContextRoutes,
  clusters: clustersContextRoutes,
  'service-accounts': serviceAccountsContextRoutes,
};

describe('the route lists each Lambda entry imports', () => {
  it.each(Object.entries(CONTEXT_LISTS))(
    '%s: its list holds exactly the route table’s routes of that context, in the same order',
    (context, list) => {
      // Act
      const inTable = routesOf(context as keyof typeof CONTEXT_LISTS).map((r) => r.id);
      // Assess
      expect(list.map((r) => r.id)).toEqual(inTable);
      expect(list.every((r) => r.context === context)).toBe(true);
    },
  );
});
