import * as v from 'valibot';
import { getServiceAccount } from '../../use-cases/service-accounts/get-service-account.ts';
import { listServiceAccounts } from '../../use-cases/service-accounts/list-service-accounts.ts';
import { decodeAfterCursor, encodeAfterCursor } from '../cursor.ts';
import { json } from '../http-result.ts';
import { defineRoute, type Route } from '../route.ts';
import { pageQuery } from '../schemas.ts';
import { readProblems } from './common-responses.ts';
import {
  AccountSchema,
  IdParams,
  publicView,
  SERVICE_ACCOUNT_ID_PATTERN,
  SERVICE_ACCOUNT_ROUTE,
} from './service-account-schemas.ts';

const { tags, texts } = SERVICE_ACCOUNT_ROUTE;

/** Listing and reading service accounts: a route group of the `service-accounts` context, loaded with its first request. */
export const serviceAccountReadRoutes: Route[] = [
  defineRoute({
    id: 'listServiceAccounts',
    method: 'GET',
    path: '/v1/service-accounts',
    context: 'service-accounts',
    permission: 'service-accounts:manage',
    summary: "List the tenant's service accounts (never their secrets), oldest first, paged",
    tags,
    query: pageQuery(50),
    responses: {
      200: {
        description: 'A page of service accounts',
        schema: v.object({ items: v.array(AccountSchema), nextCursor: v.nullable(v.string()) }),
      },
      ...readProblems(texts),
    },
    handle: async ({ query, principal }, deps) => {
      const after = decodeAfterCursor(query.cursor, SERVICE_ACCOUNT_ID_PATTERN);
      const page = await listServiceAccounts(deps, principal, {
        limit: query.limit,
        ...(after === undefined ? {} : { after }),
      });
      return json(200, { items: page.items.map(publicView), nextCursor: encodeAfterCursor(page.next) });
    },
  }),
  defineRoute({
    id: 'getServiceAccount',
    method: 'GET',
    path: '/v1/service-accounts/{id}',
    context: 'service-accounts',
    permission: 'service-accounts:manage',
    summary: 'One service account (never its secret)',
    tags,
    params: IdParams,
    responses: { 200: { description: 'The account', schema: AccountSchema }, ...readProblems(texts) },
    handle: async ({ params, principal }, deps) =>
      json(200, publicView(await getServiceAccount(deps, principal, params.id))),
  }),
];
