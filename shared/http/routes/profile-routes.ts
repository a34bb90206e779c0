import * as v from 'valibot';
import { ProfileNameSchema } from '../../domain/documents/profile-content.ts';
import { versionWriteResponse } from '../http-result.ts';
import { ifMatchHeader } from '../preconditions.ts';
import { defineRoute, type Route } from '../route.ts';
import { PutProfileBody, VersionRecordSchema } from '../schemas.ts';
import { readProblems, writeProblems } from './common-responses.ts';
import { documentReadRoutes } from './document-read-routes.ts';

const texts = { invalid: 'Malformed request; `errors` lists every violation', notFound: 'No such profile' };
const problems = readProblems(texts);

/** Routes of resource profiles: `GET /v1/profiles`, `GET|PUT /v1/profiles/{name}`. */
export const profileRoutes: Route[] = [
  ...documentReadRoutes({
    collection: 'profiles',
    ids: { list: 'listProfiles', get: 'getProfile' },
    tag: 'profiles',
    listPath: '/v1/profiles',
    listSummary: "List the tenant's resource profiles with their latest version",
    listDescription: 'Profiles, by name',
    itemPath: '/v1/profiles/{name}',
    itemParams: v.object({ name: ProfileNameSchema }),
    getSummary: 'Read the latest (or ?version=N) version of a resource profile',
    getDescription: 'The version record',
    keyOf: (params) => params.name as string,
    problems,
  }),
  defineRoute({
    id: 'putProfile',
    method: 'PUT',
    path: '/v1/profiles/{name}',
    context: 'settings',
    permission: 'profiles:write',
    summary:
      'Create or replace a resource profile (a new version); configurations that use it are re-validated',
    tags: ['profiles'],
    params: v.object({ name: ProfileNameSchema }),
    body: { 'application/json': PutProfileBody },
    requestHeaders: { ifMatch: ifMatchHeader(false, 'profile') },
    responses: {
      201: { description: 'The new version', schema: VersionRecordSchema },
      ...writeProblems({
        ...texts,
        unprocessable: 'A configuration using the profile would break a rule; `errors` lists all',
      }),
    },
    handle: async ({ params, body, header, principal, rawPath }, deps) => {
      const created = await (await import('../../use-cases/profiles/put-profile.ts')).putProfile(deps, {
        principal: principal,
        name: params.name,
        content: body.content,
        reason: body.reason,
        ticket: body.ticket ?? null,
        ifMatch: header.ifMatch,
      });
      return versionWriteResponse(rawPath, created);
    },
  }),
];
