import type { Route } from '../route.ts';
import { secretRoutes } from '../routes/secret-routes.ts';

/** The routes of the secrets context (issue 13): metadata, versions, rotation, deletion, values. */
export const secretsContextRoutes = secretRoutes as Route<unknown, unknown, unknown, 'secrets'>[];
