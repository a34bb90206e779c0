import * as v from 'valibot';
import { PolicyContentSchema } from '../../domain/documents/policy-content.ts';
import { wellFormedParts } from '../../domain/documents/well-formed-parts.ts';
import type { EnvironmentPolicy } from '../../domain/validation/environment-policy.ts';
import { versionWriteResponse } from '../http-result.ts';
import { ifMatchHeader } from '../preconditions.ts';
import { defineRoute, type Route } from '../route.ts';
import { NameSchema, ReasonSchema, TicketSchema, VersionRecordSchema } from '../schemas.ts';
import { readProblems, writeProblems } from './common-responses.ts';
import { documentReadRoutes } from './document-read-routes.ts';

/** Body of `PUT /v1/policies/envs/{env}` (the policy has the one shape import also checks). */
export const PutPolicyBody = v.strictObject({
  policy: PolicyContentSchema,
  reason: ReasonSchema,
  ticket: v.optional(TicketSchema),
});

const texts = {
  invalid: 'Malformed request or policy; `errors` lists every violation',
  notFound: 'No policy for this environment',
};
const problems = readProblems(texts);

/** Routes of environment policies: `GET /v1/policies`, `GET|PUT /v1/policies/envs/{env}`. */
export const policyRoutes: Route[] = [
  ...documentReadRoutes({
    collection: 'policies',
    ids: { list: 'listPolicies', get: 'getPolicy' },
    tag: 'policies',
    listPath: '/v1/policies',
    listSummary: 'List the environment policies with their latest version',
    listDescription: 'Policies, by key envs/<env>',
    itemPath: '/v1/policies/envs/{env}',
    itemParams: v.object({ env: NameSchema }),
    getSummary: "Read the latest (or ?version=N) version of an environment's policy",
    getDescription: 'The version record; content is the policy',
    keyOf: (params) => `envs/${params.env}`,
    problems,
  }),
  defineRoute({
    id: 'putPolicy',
    method: 'PUT',
    path: '/v1/policies/envs/{env}',
    context: 'settings',
    permission: 'policies:write',
    summary: "Set an environment's policy (a new version); every configuration in it is re-validated",
    tags: ['policies'],
    params: v.object({ env: NameSchema }),
    body: { 'application/json': PutPolicyBody },
    requestHeaders: { ifMatch: ifMatchHeader(false, 'policy') },
    bodyChecks: async (body) => {
      const { checkPolicyDocument } = await import('../../domain/validation/environment-policy.ts');
      const { policy } = (wellFormedParts(PutPolicyBody, body) ?? {}) as { policy?: EnvironmentPolicy };
      return policy ? checkPolicyDocument(policy, '/body/policy') : [];
    },
    responses: {
      201: { description: 'The new version', schema: VersionRecordSchema },
      ...writeProblems({
        ...texts,
        unprocessable: 'Configurations in the environment break the policy; `errors` lists all',
      }),
    },
    handle: async ({ params, body, header, principal, rawPath }, deps) => {
      const created = await (await import('../../use-cases/policies/put-policy.ts')).putPolicy(deps, {
        principal: principal,
        env: params.env,
        policy: body.policy as EnvironmentPolicy,
        reason: body.reason,
        ticket: body.ticket ?? null,
        ifMatch: header.ifMatch,
      });
      return versionWriteResponse(rawPath, created);
    },
  }),
];
