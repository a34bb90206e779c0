import * as v from 'valibot';
import { createServiceAccount } from '../../use-cases/service-accounts/create-service-account.ts';
import { deleteServiceAccount } from '../../use-cases/service-accounts/delete-service-account.ts';
import { getServiceAccount } from '../../use-cases/service-accounts/get-service-account.ts';
import { listServiceAccounts } from '../../use-cases/service-accounts/list-service-accounts.ts';
import { rotateServiceAccount } from '../../use-cases/service-accounts/rotate-service-account.ts';
import { decodeAfterCursor, encodeAfterCursor } from '../cursor.ts';
import { json } from '../http-result.ts';
import { reasonHeader } from '../preconditions.ts';
import { defineRoute, type Route } from '../route.ts';
import { pageQuery, ReasonSchema } from '../schemas.ts';
import { readProblems } from './common-responses.ts';

/** Service account ids are UUIDs (the directory makes them). */
const ID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

const IdParams = v.object({
  id: v.pipe(v.string(), v.regex(ID_PATTERN, 'must be a service account id (a UUID)')),
});

/** Body of `POST /v1/service-accounts`. */
export const CreateServiceAccountBody = v.strictObject({
  name: v.pipe(
    v.string('name is required'),
    v.regex(
      /^[a-z0-9][a-z0-9-]{0,62}$/,
      'must be 1-63 lowercase letters, digits or dashes, starting with a letter or digit',
    ),
  ),
  roles: v.pipe(
    v.array(v.pipe(v.string('each role is a string'), v.maxLength(100)), 'roles is a list of role:env'),
    v.minLength(1, 'give the account at least one role'),
    v.maxLength(20, 'at most 20 roles'),
  ),
  reason: ReasonSchema,
});

const AccountSchema = v.object({
  id: v.string(),
  name: v.string(),
  clientId: v.string(),
  roles: v.array(v.string()),
  reason: v.string(),
  createdBy: v.string(),
  createdAt: v.string(),
  rotatedAt: v.optional(v.string()),
});

const IssuedSchema = v.object({
  ...AccountSchema.entries,
  clientSecret: v.string(),
  tokenUrl: v.string(),
});

const tags = ['service-accounts'];
const texts = {
  notFound: 'No such service account',
  forbidden: 'Role admin (for every environment) is required',
};
/** Secrets are shown once: nothing may keep the answer. */
const noStore = { 'cache-control': 'no-store', pragma: 'no-cache' };

/** The routes of the `service-accounts` context (issue 15): machine identities of the caller's tenant. */
export const serviceAccountRoutes: Route[] = [
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
      const after = decodeAfterCursor(query.cursor, ID_PATTERN);
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
  defineRoute({
    id: 'rotateServiceAccount',
    method: 'POST',
    path: '/v1/service-accounts/{id}/rotate',
    context: 'service-accounts',
    permission: 'service-accounts:manage',
    summary: 'Replace the client secret: the new one is in this answer only, the old one stops working',
    tags,
    params: IdParams,
    responses: {
      200: { description: 'The account with its new secret (shown once)', schema: IssuedSchema },
      ...readProblems(texts),
    },
    handle: async ({ params, principal }, deps) =>
      json(200, publicView(await rotateServiceAccount(deps, principal, params.id)), noStore),
  }),
  defineRoute({
    id: 'deleteServiceAccount',
    method: 'DELETE',
    path: '/v1/service-accounts/{id}',
    context: 'service-accounts',
    permission: 'service-accounts:manage',
    summary: 'Delete a service account and its OAuth client: its secret stops working at once',
    tags,
    params: IdParams,
    requestHeaders: { reason: reasonHeader(true, 'Why (logged with the deletion)') },
    responses: { 204: { description: 'Deleted' }, ...readProblems(texts) },
    handle: async ({ params, header, principal, requestId }, deps) => {
      const reason = header.reason;
      await deleteServiceAccount(deps, principal, params.id);
      deps.logger.info('service account deleted', {
        tenantId: principal.tenantId,
        serviceAccountId: params.id,
        by: principal.userId,
        reason,
        requestId,
      });
      return json(204, undefined);
    },
  }),
];

/** The wire view of an account: everything but the tenant (implied by the caller). */
function publicView<A extends { tenantId: string }>(account: A): Omit<A, 'tenantId'> {
  const { tenantId: _tenant, ...rest } = account;
  return rest;
}
