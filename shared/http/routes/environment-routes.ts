import * as v from 'valibot';
import {
  MAX_APPROVAL_TIMEOUT_SECONDS,
  MIN_APPROVAL_TIMEOUT_SECONDS,
  parseIsoDuration,
} from '../../domain/approvals/iso-duration.ts';
import { getEnvironment } from '../../use-cases/environments/get-environment.ts';
import { putEnvironment } from '../../use-cases/environments/put-environment.ts';
import { json, versionEtag } from '../http-result.ts';
import { parseIfMatch } from '../preconditions.ts';
import { defineRoute, type Route } from '../route.ts';
import { NameSchema, ProblemSchema, ReasonSchema, TicketSchema } from '../schemas.ts';
import { ifMatchHeader, readProblems } from './common-responses.ts';

/** One approver as the tenant names them. */
export const ApproverSchema = v.strictObject({
  user: v.pipe(v.string(), v.trim(), v.minLength(1, 'user is the approver’s user id'), v.maxLength(256)),
  email: v.optional(v.pipe(v.string(), v.email('must be an email address'), v.maxLength(320))),
  slack: v.optional(
    v.pipe(v.string(), v.regex(/^[UW][A-Z0-9]{2,20}$/, 'must be a Slack member id such as U123ABC')),
  ),
});

/** An ISO 8601 approval timeout between 1 second and 30 days. */
export const ApprovalTimeoutSchema = v.pipe(
  v.string(),
  v.check((text) => {
    const seconds = parseIsoDuration(text);
    return (
      seconds !== undefined &&
      seconds >= MIN_APPROVAL_TIMEOUT_SECONDS &&
      seconds <= MAX_APPROVAL_TIMEOUT_SECONDS
    );
  }, 'must be an ISO 8601 duration between PT1S and P30D, such as PT24H, P2D or PT30M'),
);

/** Body of `PUT /v1/environments/{env}`. */
export const PutEnvironmentBody = v.strictObject({
  protected: v.boolean('protected must be true or false'),
  requiredApprovals: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(10)), 1),
  approvalTimeout: v.optional(ApprovalTimeoutSchema, 'PT24H'),
  approvers: v.optional(v.pipe(v.array(ApproverSchema), v.maxLength(50)), []),
  notify: v.optional(
    v.strictObject({
      slackWebhookSecret: v.optional(
        v.pipe(v.string(), v.regex(/^[A-Za-z0-9/_+=.@-]{1,512}$/, 'must be a Secrets Manager secret name')),
      ),
    }),
  ),
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
      const view = await getEnvironment(deps, { principal, env: p.env });
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
    requestHeaders: [ifMatchHeader(false, 'configuration')],
    responses: {
      200: { description: 'The new configuration', schema: EnvironmentViewSchema },
      202: { description: 'A change request awaits the approvers (Location names it)' },
      ...problems,
      412: { description: 'If-Match is stale', schema: ProblemSchema },
      428: { description: 'If-Match is required to change an existing configuration', schema: ProblemSchema },
    },
    handle: async ({ params: p, body, headers, principal }, deps) => {
      const { reason, ticket, ...config } = body;
      await putEnvironment(deps, {
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
        ifMatch: parseIfMatch(headers),
      });
      const view = await getEnvironment(deps, { principal, env: p.env });
      return json(200, view, view.version === null ? {} : versionEtag(view.version));
    },
  }),
];
