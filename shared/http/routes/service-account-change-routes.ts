import { deleteServiceAccount } from '../../use-cases/service-accounts/delete-service-account.ts';
import { rotateServiceAccount } from '../../use-cases/service-accounts/rotate-service-account.ts';
import { json } from '../http-result.ts';
import { reasonHeader } from '../preconditions.ts';
import { defineRoute, type Route } from '../route.ts';
import { readProblems } from './common-responses.ts';
import { IdParams, IssuedSchema, publicView, SERVICE_ACCOUNT_ROUTE } from './service-account-schemas.ts';

const { tags, texts, noStore } = SERVICE_ACCOUNT_ROUTE;

/** Rotating a service account's secret and deleting the account: a route group of the `service-accounts` context, loaded with its first request. */
export const serviceAccountChangeRoutes: Route[] = [
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
