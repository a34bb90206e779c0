import * as v from 'valibot';
import type { JsonValue } from '../../domain/json-value.ts';
import { scopeFromParams } from '../../domain/scope.ts';
import { toRecord } from '../../domain/version-record.ts';
import type { WriteOutcome } from '../../use-cases/approvals/write-outcome.ts';
import type { SettingsWrite } from '../../use-cases/settings/write-settings-layer.ts';
import { TAG_PATTERN } from '../../use-cases/snapshots/snapshot-limits.ts';
import { decodeCursor, encodeCursor } from '../cursor.ts';
import { json, versionEtag, versionWriteResponse, writeResponse } from '../http-result.ts';
import { ifMatchHeader, reasonHeader, ticketHeader } from '../preconditions.ts';
import { defineRoute, type Route } from '../route.ts';
import {
  JsonPatchBody,
  MergePatchBody,
  NameSchema,
  ProblemSchema,
  PutSettingsBody,
  pageQuery,
  RollbackBody,
  VersionDiffSchema,
  VersionNumberString,
  VersionPageSchema,
  VersionRecordSchema,
} from '../schemas.ts';
import { readProblems, writeProblems } from './common-responses.ts';

/** The four settings scopes as path templates with their parameter schemas. */
export const SCOPE_TEMPLATES = [
  { name: 'Global', path: '/v1/settings/global', params: v.object({}) },
  { name: 'Env', path: '/v1/settings/envs/{env}', params: v.object({ env: NameSchema }) },
  {
    name: 'Service',
    path: '/v1/settings/envs/{env}/services/{service}',
    params: v.object({ env: NameSchema, service: NameSchema }),
  },
  {
    name: 'Instance',
    path: '/v1/settings/envs/{env}/services/{service}/instances/{instance}',
    params: v.object({ env: NameSchema, service: NameSchema, instance: NameSchema }),
  },
] as const;

const problems = readProblems({ notFound: 'No such document' });
const settingsWriteProblems = {
  ...writeProblems({ notFound: 'No such document' }),
  409: {
    description: 'A JSON Patch test failed, or the protected environment has no approvers; nothing written',
    schema: ProblemSchema,
  },
};

const settingsWriteResponses = {
  200: {
    description:
      'Nothing changed (an identical PUT, an empty patch): the current version, nothing written; `?allowEmpty=true` writes a new version anyway',
    schema: VersionRecordSchema,
  },
  201: { description: 'The new version', schema: VersionRecordSchema },
  ...settingsWriteProblems,
};

/** `?allowEmpty=true` makes a write that changes nothing still create a version. */
const AllowEmptyQuery = v.object({
  allowEmpty: v.optional(v.picklist(['true', 'false'], 'allowEmpty is true or false'), 'false'),
});

/** 201 with the new version, or 200 with the current one when the write changed nothing. */
function writeResult(rawPath: string, outcome: WriteOutcome<SettingsWrite>) {
  return writeResponse(outcome, ({ record, created }) =>
    json(created ? 201 : 200, toRecord(record), {
      ...versionEtag(record.version),
      ...(created ? { location: `${rawPath}?version=${record.version}` } : {}),
    }),
  );
}

function routesFor(template: (typeof SCOPE_TEMPLATES)[number]): Route[] {
  const { name, path, params } = template;
  const tags = ['settings'];
  return [
    defineRoute({
      id: `getSettings${name}`,
      method: 'GET',
      path,
      context: 'settings',
      permission: 'settings:read',
      summary: `Read the latest (or ?version=N, or ?tag=vX.Y.Z) ${name.toLowerCase()} settings version`,
      tags,
      params,
      query: v.pipe(
        v.object({
          version: v.optional(VersionNumberString),
          tag: v.optional(v.pipe(v.string(), v.regex(TAG_PATTERN, 'must be a tag like v1.2.0'))),
        }),
        v.check((q) => q.version === undefined || q.tag === undefined, 'give version or tag, not both'),
      ),
      responses: { 200: { description: 'The version record', schema: VersionRecordSchema }, ...problems },
      handle: async ({ params: p, query, principal }, deps) => {
        const scope = scopeFromParams(p);
        const found = await (await import('../../use-cases/settings/get-settings.ts')).getSettings(deps, {
          principal: principal,
          scope,
          version:
            query.tag === undefined
              ? query.version
              : await (await import('../../use-cases/snapshots/tags.ts')).resolveTag(deps, {
                  principal,
                  scope,
                  tag: query.tag,
                }),
        });
        return json(200, toRecord(found), versionEtag(found.version));
      },
    }),
    defineRoute({
      id: `putSettings${name}`,
      method: 'PUT',
      path,
      context: 'settings',
      permission: 'settings:write',
      summary: `Create or replace the ${name.toLowerCase()} settings (a new version)`,
      tags,
      params,
      query: AllowEmptyQuery,
      body: { 'application/json': PutSettingsBody },
      requestHeaders: { ifMatch: ifMatchHeader(false) },
      responses: settingsWriteResponses,
      handle: async ({ params: p, query, body, header, principal, rawPath }, deps) =>
        writeResult(
          rawPath,
          await (await import('../../use-cases/settings/put-settings.ts')).putSettings(deps, {
            principal: principal,
            scope: scopeFromParams(p),
            content: body.content,
            reason: body.reason,
            ticket: body.ticket ?? null,
            ifMatch: header.ifMatch,
            skipUnchanged: query.allowEmpty !== 'true',
          }),
        ),
    }),
    defineRoute({
      id: `patchSettings${name}`,
      method: 'PATCH',
      path,
      context: 'settings',
      permission: 'settings:write',
      summary: `Partially update the ${name.toLowerCase()} settings (RFC 7396 or RFC 6902)`,
      tags,
      params,
      query: AllowEmptyQuery,
      body: { 'application/merge-patch+json': MergePatchBody, 'application/json-patch+json': JsonPatchBody },
      requestHeaders: {
        ifMatch: ifMatchHeader(true),
        reason: reasonHeader(true, 'Why you make this change'),
        ticket: ticketHeader(),
      },
      responses: settingsWriteResponses,
      handle: async ({ params: p, query, body, header, contentType, principal, rawPath }, deps) =>
        writeResult(
          rawPath,
          await (await import('../../use-cases/settings/patch-settings.ts')).patchSettings(deps, {
            principal: principal,
            scope: scopeFromParams(p),
            format: contentType === 'application/json-patch+json' ? 'json-patch' : 'merge-patch',
            patch: body as JsonValue,
            reason: header.reason,
            ticket: header.ticket ?? null,
            ifMatch: header.ifMatch,
            skipUnchanged: query.allowEmpty !== 'true',
          }),
        ),
    }),
    defineRoute({
      id: `listSettingsVersions${name}`,
      method: 'GET',
      path: `${path}/versions`,
      context: 'settings',
      permission: 'settings:read',
      summary: `List ${name.toLowerCase()} settings versions, newest first`,
      tags,
      params,
      query: pageQuery(20, 200),
      responses: {
        200: {
          description: 'A page of version records without content',
          schema: VersionPageSchema,
        },
        ...problems,
      },
      handle: async ({ params: p, query, principal }, deps) => {
        const page = await (
          await import('../../use-cases/settings/list-settings-versions.ts')
        ).listSettingsVersions(deps, {
          principal: principal,
          scope: scopeFromParams(p),
          limit: query.limit,
          before: decodeCursor(query.cursor),
        });
        return json(200, { items: page.items, nextCursor: encodeCursor(page.next) });
      },
    }),
    defineRoute({
      id: `diffSettings${name}`,
      method: 'GET',
      path: `${path}/diff`,
      context: 'settings',
      permission: 'settings:read',
      summary: `RFC 6902 diff between two ${name.toLowerCase()} settings versions`,
      tags,
      params,
      query: v.object({ from: VersionNumberString, to: VersionNumberString }),
      responses: {
        200: {
          description: 'The patch from `from` to `to`',
          schema: VersionDiffSchema,
        },
        ...problems,
      },
      handle: async ({ params: p, query, principal }, deps) =>
        json(
          200,
          await (await import('../../use-cases/settings/diff-settings-versions.ts')).diffSettingsVersions(
            deps,
            {
              principal: principal,
              scope: scopeFromParams(p),
              from: query.from,
              to: query.to,
            },
          ),
        ),
    }),
    defineRoute({
      id: `rollbackSettings${name}`,
      method: 'POST',
      path: `${path}/rollback`,
      context: 'settings',
      permission: 'settings:write',
      summary: `Roll the ${name.toLowerCase()} settings back to an earlier version (as a new version)`,
      tags,
      params,
      body: { 'application/json': RollbackBody },
      requestHeaders: { ifMatch: ifMatchHeader(true) },
      responses: {
        201: { description: 'The new version', schema: VersionRecordSchema },
        ...settingsWriteProblems,
      },
      handle: async ({ params: p, body, header, principal, rawPath }, deps) => {
        const created = await (
          await import('../../use-cases/settings/rollback-settings.ts')
        ).rollbackSettings(deps, {
          principal: principal,
          scope: scopeFromParams(p),
          toVersion: body.toVersion,
          reason: body.reason,
          ifMatch: header.ifMatch,
        });
        return versionWriteResponse(rawPath.replace(/\/rollback$/, ''), created);
      },
    }),
  ];
}

/** Every settings route, for the four scopes. */
export const settingsRoutes: Route[] = SCOPE_TEMPLATES.flatMap(routesFor);
