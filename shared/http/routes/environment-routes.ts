import * as v from 'valibot';
import { ApproverSchema, EnvironmentContentSchema } from '../../domain/documents/environment-content.ts';
import { wellFormedParts } from '../../domain/documents/well-formed-parts.ts';
import type { EnvironmentParts } from '../../use-cases/environments/put-environment.ts';
import { json, versionEtag, writeResponse } from '../http-result.ts';
import { ifMatchHeader } from '../preconditions.ts';
import { defineRoute, type Route } from '../route.ts';
import { NameSchema, ProblemSchema, ReasonSchema, TicketSchema } from '../schemas.ts';
import { readProblems } from './common-responses.ts';

/** Body of `PUT /v1/environments/{env}`: the environment configuration (its one content schema) and why. */
export const PutEnvironmentBody = v.strictObject({
  ...EnvironmentContentSchema.entries,
  reason: ReasonSchema,
  ticket: v.optional(TicketSchema),
});

/** An environment as the API returns it. */
export const EnvironmentViewSchema = v.object({
  env: v.string(),
  protected: v.boolean(),
  requiredApprovals: v.number(),
  approvalTimeout: v.string(),
  approvers: v.array(ApproverSchema),
  notify: v.optional(v.object({ slackWebhookSecret: v.optional(v.string()) })),
  configured: v.boolean(),
  version: v.nullable(v.number()),
  updatedBy: v.nullable(v.string()),
  updatedAt: v.nullable(v.string()),
  reason: v.nullable(v.string()),
});

const problems = readProblems();

const params = v.object({ env: NameSchema });

/** `GET/PUT /v1/environments/{env}`: an environment's protection and approvers. */
export const environmentRoutes: Route[] = [
  defineRoute({
    id: 'getEnvironment',
    method: 'GET',
    path: '/v1/environments/{env}',
    context: 'approvals',
    permission: 'environments:read',
    summary:
      'Read an environment’s protection, approvers and approval timeout (defaults when never configured)',
    tags: ['environments'],
    params,
    responses: { 200: { description: 'The environment', schema: EnvironmentViewSchema }, ...problems },
    handle: async ({ params: p, principal }, deps) => {
      const view = await (await import('../../use-cases/environments/get-environment.ts')).getEnvironment(
        deps,
        { principal, env: p.env },
      );
      return json(200, view, view.version === null ? {} : versionEtag(view.version));
    },
  }),
  defineRoute({
    id: 'putEnvironment',
    method: 'PUT',
    path: '/v1/environments/{env}',
    context: 'approvals',
    permission: 'environments:write',
    summary:
      'Configure an environment’s protection. Once a protected environment has approvers, this change itself needs their approval (202)',
    tags: ['environments'],
    params,
    body: { 'application/json': PutEnvironmentBody },
    requestHeaders: { ifMatch: ifMatchHeader(false, 'configuration') },
    bodyChecks: async (body) =>
      (await import('../../use-cases/environments/put-environment.ts')).environmentViolations(
        (wellFormedParts(PutEnvironmentBody, body) ?? {}) as EnvironmentParts,
      ),
    responses: {
      200: { description: 'The new configuration', schema: EnvironmentViewSchema },
      202: { description: 'A change request awaits the approvers (Location names it)' },
      ...problems,
      412: { description: 'If-Match is stale', schema: ProblemSchema },
      428: { description: 'If-Match is required to change an existing configuration', schema: ProblemSchema },
    },
    handle: async ({ params: p, body, header, principal }, deps) => {
      const { reason, ticket, ...config } = body;
      const outcome = await (await import('../../use-cases/environments/put-environment.ts')).putEnvironment(
        deps,
        {
          principal,
          env: p.env,
          config: {
            protected: config.protected,
            requiredApprovals: config.requiredApprovals,
            approvalTimeout: config.approvalTimeout,
            approvers: config.approvers.map((a) => ({
              user: a.user,
              ...(a.email ? { email: a.email } : {}),
              ...(a.slack ? { slack: a.slack } : {}),
            })),
            ...(config.notify?.slackWebhookSecret
              ? { notify: { slackWebhookSecret: config.notify.slackWebhookSecret } }
              : {}),
          },
          reason,
          ticket: ticket ?? null,
          ifMatch: header.ifMatch,
        },
      );
      return writeResponse(outcome, async () => {
        const view = await (await import('../../use-cases/environments/get-environment.ts')).getEnvironment(
          deps,
          { principal, env: p.env },
        );
        return json(200, view, view.version === null ? {} : versionEtag(view.version));
      });
    },
  }),
];
