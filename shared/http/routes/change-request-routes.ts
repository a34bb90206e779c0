import * as v from 'valibot';
import {
  CHANGE_REQUEST_ID_PATTERN,
  CHANGE_REQUEST_STATUSES,
  toView,
} from '../../domain/approvals/change-request.ts';
import { decodeAfterCursor, encodeAfterCursor } from '../cursor.ts';
import { json } from '../http-result.ts';
import { defineRoute, type Route } from '../route.ts';
import { NameSchema, ProblemSchema, pageQuery } from '../schemas.ts';
import { readProblems } from './common-responses.ts';

/** A change request id in a path. */
export const ChangeRequestIdSchema = v.pipe(
  v.string(),
  v.regex(CHANGE_REQUEST_ID_PATTERN, 'not a change request id'),
);

/** Body of approve, reject and withdraw. */
export const DecisionBody = v.strictObject({
  comment: v.optional(v.pipe(v.string(), v.trim(), v.maxLength(2000, 'comment is at most 2000 characters'))),
});

/** A change request as the API returns it. */
export const ChangeRequestViewSchema = v.looseObject({
  id: v.string(),
  env: v.string(),
  status: v.picklist(CHANGE_REQUEST_STATUSES),
  target: v.object({ collection: v.string(), key: v.string() }),
  baseVersion: v.nullable(v.number()),
  proposed: v.looseObject({}),
  patch: v.array(v.unknown()),
  /** What the approval covers: the effective change per configuration (see docs/approvals.md). */
  effective: v.nullable(
    v.array(
      v.object({
        target: v.string(),
        hash: v.string(),
        patch: v.nullable(v.array(v.unknown())),
        inputs: v.nullable(v.record(v.string(), v.nullable(v.number()))),
      }),
    ),
  ),
  reason: v.string(),
  ticket: v.nullable(v.string()),
  requester: v.string(),
  requiredApprovals: v.number(),
  receivedApprovals: v.number(),
  history: v.array(v.looseObject({ at: v.string(), actor: v.string(), action: v.string() })),
});

const problems = readProblems({
  forbidden: 'Your roles (or an approval rule) forbid it',
  notFound: 'No such change request',
});

const idParams = v.object({ id: ChangeRequestIdSchema });
const tags = ['change-requests'];

function decisionRoute(decision: 'approve' | 'reject'): Route {
  return defineRoute({
    id: `${decision}ChangeRequest`,
    method: 'POST',
    path: `/v1/change-requests/{id}/${decision}`,
    context: 'approvals',
    permission: 'requests:decide',
    permissionScope: 'resource',
    summary:
      decision === 'approve'
        ? 'Approve a pending change request (listed approvers holding the approver role; never the requester)'
        : 'Reject a pending change request; one eligible rejection closes it',
    tags,
    params: idParams,
    body: { 'application/json': DecisionBody },
    responses: {
      200: { description: 'The request after the decision', schema: ChangeRequestViewSchema },
      ...problems,
      409: { description: 'The request is closed, or you already decided', schema: ProblemSchema },
    },
    handle: async ({ params: p, body, principal }, deps) => {
      const request = await (
        await import('../../use-cases/approvals/decide-change-request.ts')
      ).decideChangeRequest(deps, {
        principal,
        id: p.id,
        decision,
        comment: body.comment || null,
      });
      return json(200, toView(request));
    },
  });
}

/** The change request API: list, read, approve, reject, withdraw. */
export const changeRequestRoutes: Route[] = [
  defineRoute({
    id: 'listChangeRequests',
    method: 'GET',
    path: '/v1/change-requests',
    context: 'approvals',
    permission: 'requests:read',
    permissionScope: 'resource',
    summary: 'List change requests newest first, filtered by status and environment',
    tags,
    query: v.object({
      status: v.optional(
        v.picklist(CHANGE_REQUEST_STATUSES, `status is one of ${CHANGE_REQUEST_STATUSES.join(', ')}`),
      ),
      env: v.optional(NameSchema),
      ...pageQuery(20, 200).entries,
    }),
    responses: {
      200: {
        description: 'A page of change requests',
        schema: v.object({ items: v.array(ChangeRequestViewSchema), nextCursor: v.nullable(v.string()) }),
      },
      ...problems,
    },
    handle: async ({ query, principal }, deps) => {
      const page = await (
        await import('../../use-cases/approvals/list-change-requests.ts')
      ).listChangeRequests(deps, {
        principal,
        status: query.status,
        env: query.env,
        limit: query.limit,
        after: decodeAfterCursor(query.cursor, CHANGE_REQUEST_ID_PATTERN),
      });
      return json(200, { items: page.items.map(toView), nextCursor: encodeAfterCursor(page.next) });
    },
  }),
  defineRoute({
    id: 'getChangeRequest',
    method: 'GET',
    path: '/v1/change-requests/{id}',
    context: 'approvals',
    permission: 'requests:read',
    permissionScope: 'resource',
    summary: 'Read a change request: proposal, diff, approvals, status and history',
    tags,
    params: idParams,
    responses: { 200: { description: 'The change request', schema: ChangeRequestViewSchema }, ...problems },
    handle: async ({ params: p, principal }, deps) =>
      json(
        200,
        toView(
          await (await import('../../use-cases/approvals/get-change-request.ts')).getChangeRequest(deps, {
            principal,
            id: p.id,
          }),
        ),
      ),
  }),
  decisionRoute('approve'),
  decisionRoute('reject'),
  defineRoute({
    id: 'withdrawChangeRequest',
    method: 'POST',
    path: '/v1/change-requests/{id}/withdraw',
    context: 'approvals',
    permission: 'requests:withdraw',
    permissionScope: 'resource',
    summary: 'Withdraw your own pending change request',
    tags,
    params: idParams,
    body: { 'application/json': DecisionBody },
    responses: {
      200: { description: 'The withdrawn request', schema: ChangeRequestViewSchema },
      ...problems,
      409: { description: 'The request is no longer pending', schema: ProblemSchema },
    },
    handle: async ({ params: p, body, principal }, deps) => {
      await (await import('../../use-cases/approvals/get-change-request.ts')).getChangeRequest(deps, {
        principal,
        id: p.id,
      });
      const request = await (
        await import('../../use-cases/approvals/withdraw-change-request.ts')
      ).withdrawChangeRequest(deps, {
        principal,
        id: p.id,
        comment: body.comment || null,
      });
      return json(200, toView(request));
    },
  }),
];
