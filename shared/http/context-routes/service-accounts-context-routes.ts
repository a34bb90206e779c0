import type { Route } from '../route.ts';
import { serviceAccountRoutes } from '../routes/service-account-routes.ts';

/** The routes of the service-accounts context (issue 15): create, list, show, rotate, delete. */
export const serviceAccountsContextRoutes = serviceAccountRoutes as Route<
  unknown,
  unknown,
  unknown,
  'service-accounts'
>[];
