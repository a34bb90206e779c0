import { createServiceAccount } from '../../use-cases/service-accounts/create-service-account.ts';
import { json } from '../http-result.ts';
import { defineRoute, type Route } from '../route.ts';
import { readProblems } from './common-responses.ts';
import {
  CreateServiceAccountBody,
  IssuedSchema,
  publicView,
  SERVICE_ACCOUNT_ROUTE,
} from './service-account-schemas.ts';

const { tags, texts, noStore } = SERVICE_ACCOUNT_ROUTE;

/** Creating a service account: a route group of the `service-accounts` context (issue 15), loaded with its first request. */
export const serviceAccountCreateRoutes: Route[] = [
  defineRoute({
    id: 'createServiceAccount',
    method: 'POST',
    path: '/v1/service-accounts',
    context: 'service-accounts',
    permission: 'service-accounts:manage',
    summary:
      'Create a service account (an OAuth client with the client-credentials grant); its secret is in this answer only',
    tags,
    body: { 'application/json': CreateServiceAccountBody },
    responses: {
      201: {
        description: 'The account, its client secret (shown once) and the token URL',
        schema: IssuedSchema,
      },
      ...readProblems({
        ...texts,
        invalid: 'Bad body, unknown role, or admin/approver asked; `errors` lists every one',
      }),
    },
    handle: async ({ body, principal }, deps) => {
      const created = await createServiceAccount(deps, principal, body);
      return json(201, publicView(created), { ...noStore, location: `/v1/service-accounts/${created.id}` });
    },
  }),
];
