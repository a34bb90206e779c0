import * as v from 'valibot';
import { DriftPolicyContentSchema } from '../../domain/documents/drift-policy-content.ts';
import { toRecord } from '../../domain/version-record.ts';
import { decodeCursor, encodeCursor } from '../cursor.ts';
import { json, versionEtag, versionWriteResponse } from '../http-result.ts';
import { ifMatchHeader } from '../preconditions.ts';
import { defineRoute, type Route } from '../route.ts';
import {
  NameSchema,
  pageQuery,
  ReasonSchema,
  RollbackBody,
  TicketSchema,
  VersionDiffSchema,
  VersionNumberString,
  VersionPageSchema,
  VersionRecordSchema,
} from '../schemas.ts';
import { readProblems, writeProblems } from './common-responses.ts';

/** Body of `PUT /v1/drift-policies/envs/{env}`. */
export const PutDriftPolicyBody = v.strictObject({
  policy: DriftPolicyContentSchema,
  reason: ReasonSchema,
  ticket: v.optional(TicketSchema),
});

const PATH = '/v1/drift-policies/envs/{env}';
const params = v.object({ env: NameSchema });
const tags = ['drift'];
const texts = {
  invalid: 'Malformed request or drift policy; `errors` lists every violation',
  notFound: 'No drift policy for this environment',
};

/** Routes of drift policies (issue 14): one versioned document per environment, collection `drift-policies`. */
export const driftPolicyRoutes: Route[] = [
  defineRoute({
    id: 'getDriftPolicy',
    method: 'GET',
    path: PATH,
    context: 'settings',
    permission: 'settings:read',
    summary: "Read the latest (or ?version=N) version of an environment's drift policy",
    tags,
    params,
    query: v.object({ version: v.optional(VersionNumberString) }),
    responses: {
      200: { description: 'The version record', schema: VersionRecordSchema },
      ...readProblems(texts),
    },
    handle: async ({ params: p, query, principal }, deps) => {
      const found = await (await import('../../use-cases/drift/drift-policy-history.ts')).getDriftPolicy(
        deps,
        principal,
        p.env,
        query.version,
      );
      return json(200, toRecord(found), versionEtag(found.version));
    },
  }),
  defineRoute({
    id: 'putDriftPolicy',
    method: 'PUT',
    path: PATH,
    context: 'settings',
    permission: 'policies:write',
    summary: "Set an environment's drift policy (a new version; a change request in a protected environment)",
    tags,
    params,
    body: { 'application/json': PutDriftPolicyBody },
    requestHeaders: { ifMatch: ifMatchHeader(false, 'drift policy') },
    responses: {
      201: { description: 'The new version', schema: VersionRecordSchema },
      ...writeProblems(texts),
    },
    handle: async ({ params: p, body, header, principal, rawPath }, deps) => {
      const created = await (await import('../../use-cases/drift/put-drift-policy.ts')).putDriftPolicy(deps, {
        principal,
        env: p.env,
        policy: body.policy,
        reason: body.reason,
        ticket: body.ticket ?? null,
        ifMatch: header.ifMatch,
      });
      return versionWriteResponse(rawPath, created);
    },
  }),
  defineRoute({
    id: 'listDriftPolicyVersions',
    method: 'GET',
    path: `${PATH}/versions`,
    context: 'settings',
    permission: 'settings:read',
    summary: "List the versions of an environment's drift policy, newest first",
    tags,
    params,
    query: pageQuery(20),
    responses: {
      200: {
        description: 'A page of version records without content',
        schema: VersionPageSchema,
      },
      ...readProblems(texts),
    },
    handle: async ({ params: p, query, principal }, deps) => {
      const page = await (
        await import('../../use-cases/drift/drift-policy-history.ts')
      ).listDriftPolicyVersions(deps, principal, p.env, {
        limit: query.limit,
        before: decodeCursor(query.cursor),
      });
      return json(200, { items: page.items, nextCursor: encodeCursor(page.next) });
    },
  }),
  defineRoute({
    id: 'diffDriftPolicy',
    method: 'GET',
    path: `${PATH}/diff`,
    context: 'settings',
    permission: 'settings:read',
    summary: 'RFC 6902 diff between two versions of a drift policy',
    tags,
    params,
    query: v.object({ from: VersionNumberString, to: VersionNumberString }),
    responses: {
      200: {
        description: 'The patch from `from` to `to`',
        schema: VersionDiffSchema,
      },
      ...readProblems(texts),
    },
    handle: async ({ params: p, query, principal }, deps) =>
      json(
        200,
        await (await import('../../use-cases/drift/drift-policy-history.ts')).diffDriftPolicyVersions(
          deps,
          principal,
          p.env,
          query.from,
          query.to,
        ),
      ),
  }),
  defineRoute({
    id: 'rollbackDriftPolicy',
    method: 'POST',
    path: `${PATH}/rollback`,
    context: 'settings',
    permission: 'policies:write',
    summary: 'Roll a drift policy back to an earlier version (as a new version)',
    tags,
    params,
    body: { 'application/json': RollbackBody },
    requestHeaders: { ifMatch: ifMatchHeader(true) },
    responses: {
      201: { description: 'The new version', schema: VersionRecordSchema },
      ...writeProblems(texts),
    },
    handle: async ({ params: p, body, header, principal, rawPath }, deps) => {
      const created = await (
        await import('../../use-cases/drift/drift-policy-history.ts')
      ).rollbackDriftPolicy(deps, {
        principal,
        env: p.env,
        toVersion: body.toVersion,
        reason: body.reason,
        ifMatch: header.ifMatch,
      });
      return versionWriteResponse(rawPath.replace(/\/rollback$/, ''), created);
    },
  }),
];
