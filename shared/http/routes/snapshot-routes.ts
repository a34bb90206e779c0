import * as v from 'valibot';
import { wellFormedParts } from '../../domain/documents/well-formed-parts.ts';
import { ValidationError } from '../../domain/errors.ts';
import { authorize } from '../../domain/rbac.ts';
import { scopeFromParams } from '../../domain/scope.ts';
import type { LayeredCollection } from '../../use-cases/effective/document-cache.ts';
import type { ImportDocument } from '../../use-cases/snapshots/import-snapshot.ts';
import { MAX_IMPORT_DOCUMENTS, TAG_PATTERN } from '../../use-cases/snapshots/snapshot-limits.ts';
import { json, writeResponse } from '../http-result.ts';
import { reasonHeader, ticketHeader } from '../preconditions.ts';
import { defineRoute, type Route } from '../route.ts';
import { JsonObjectSchema, NameSchema, ProblemSchema } from '../schemas.ts';
import { readProblems } from './common-responses.ts';
import { SCOPE_TEMPLATES } from './settings-routes.ts';

const problems = readProblems({ notFound: 'Not found' });

/** A release tag `vX.Y.Z` (optionally `-pre.release`). */
export const TagSchema = v.pipe(v.string(), v.regex(TAG_PATTERN, 'must be a tag like v1.2.0'));

/** Body of `POST SCOPE/tags`. */
export const TagBody = v.strictObject({
  version: v.pipe(v.number(), v.integer('must be an integer'), v.minValue(1, 'versions start at 1')),
  tag: TagSchema,
});

const TagEntrySchema = v.object({
  tag: v.string(),
  version: v.number(),
  taggedBy: v.string(),
  taggedAt: v.string(),
});

function tagRoutes(template: (typeof SCOPE_TEMPLATES)[number]): Route[] {
  const { name, path, params } = template;
  return [
    defineRoute({
      id: `tagSettings${name}`,
      method: 'POST',
      path: `${path}/tags`,
      context: 'settings',
      permission: 'settings:write',
      summary: `Tag a ${name.toLowerCase()} settings version (vX.Y.Z, unique per scope)`,
      tags: ['settings'],
      params,
      body: { 'application/json': TagBody },
      responses: {
        201: { description: 'The tag', schema: v.object({ ...TagEntrySchema.entries, scope: v.string() }) },
        ...problems,
        409: { description: 'The tag already exists in this scope', schema: ProblemSchema },
      },
      handle: async ({ params: p, body, principal, rawPath }, deps) => {
        const scope = scopeFromParams(p);
        const created = await (await import('../../use-cases/snapshots/tags.ts')).tagVersion(deps, {
          principal: principal,
          scope,
          version: body.version,
          tag: body.tag,
        });
        return writeResponse(created, (tag) =>
          json(201, tag, { location: `${rawPath.replace(/\/tags$/, '')}?tag=${tag.tag}` }),
        );
      },
    }),
    defineRoute({
      id: `listSettingsTags${name}`,
      method: 'GET',
      path: `${path}/tags`,
      context: 'settings',
      permission: 'settings:read',
      summary: `List the tags of a ${name.toLowerCase()} settings scope`,
      tags: ['settings'],
      params,
      responses: {
        200: {
          description: 'Tags, newest version first',
          schema: v.object({ items: v.array(TagEntrySchema) }),
        },
        ...problems,
      },
      handle: async ({ params: p, principal }, deps) =>
        json(200, {
          items: await (await import('../../use-cases/snapshots/tags.ts')).listTags(deps, {
            principal: principal,
            scope: scopeFromParams(p),
          }),
        }),
    }),
  ];
}

const IsoInstant = v.pipe(
  v.string(),
  v.isoTimestamp('must be an ISO-8601 instant such as 2026-01-31T12:00:00Z'),
  v.transform((s) => new Date(s).toISOString()),
);

/** `GET /v1/export`. */
export const exportRoute: Route = defineRoute({
  id: 'exportSnapshot',
  method: 'GET',
  path: '/v1/export',
  context: 'settings',
  permission: 'settings:export',
  // The environment is a query parameter: an env-limited binding may export its environment.
  permissionScope: 'resource',
  summary: 'Export the latest or point-in-time (at=) state of the tenant, an environment or a service',
  tags: ['snapshots'],
  query: v.object({
    format: v.optional(
      v.picklist(['json', 'yaml', 'dotenv', 'configmap'], 'format is json, yaml, dotenv or configmap'),
      'json',
    ),
    env: v.optional(NameSchema),
    service: v.optional(NameSchema),
    at: v.optional(IsoInstant),
  }),
  responses: {
    200: {
      description: 'A snapshot (json, yaml) or flattened effective settings (dotenv, configmap)',
      schema: v.looseObject({ kind: v.string() }),
    },
    ...problems,
  },
  handle: async ({ query, principal }, deps) => {
    authorize(principal, 'settings:export', query.env);
    const rendered = await (await import('../../use-cases/snapshots/export-snapshot.ts')).renderExport(
      deps,
      { principal: principal, env: query.env, service: query.service, at: query.at },
      query.format,
    );
    if (rendered.body) return json(200, rendered.body);
    return { status: 200, rawBody: rendered.text ?? '', headers: { 'content-type': rendered.contentType } };
  },
});

const COLLECTIONS = [
  'settings',
  'profiles',
  'schemas',
  'policies',
] as const satisfies readonly LayeredCollection[];

/**
 * A snapshot as import accepts it: the export's shape, only
 * `documents[].{collection,key,content}` are read. Each content is then
 * checked against its kind's one content schema (`checkDocumentContent`).
 */
export const ImportBody = v.looseObject({
  documents: v.pipe(
    v.array(
      v.looseObject({
        collection: v.picklist(COLLECTIONS, 'collection is settings, profiles, schemas or policies'),
        key: v.pipe(v.string(), v.minLength(1), v.maxLength(300)),
        content: JsonObjectSchema,
      }),
    ),
    v.maxLength(MAX_IMPORT_DOCUMENTS, `at most ${MAX_IMPORT_DOCUMENTS} documents per import`),
  ),
});

/** `POST /v1/import?mode=plan|apply`. */
export const importRoute: Route = defineRoute({
  id: 'importSnapshot',
  method: 'POST',
  path: '/v1/import',
  context: 'settings',
  permission: 'settings:import',
  summary:
    'Import a JSON/YAML snapshot: plan (default) lists create/update/unchanged with diffs and validation; apply writes',
  tags: ['snapshots'],
  query: v.object({ mode: v.optional(v.picklist(['plan', 'apply'], 'mode is plan or apply'), 'plan') }),
  body: { 'application/json': ImportBody, 'application/yaml': ImportBody },
  requestHeaders: {
    reason: reasonHeader(false, 'Why you import (required for mode=apply)'),
    ticket: ticketHeader(),
  },
  bodyChecks: async (body) => {
    const { documents } = (wellFormedParts(ImportBody, body) ?? {}) as {
      documents?: (Partial<ImportDocument> | undefined)[];
    };
    if (!documents || documents.length > MAX_IMPORT_DOCUMENTS) return [];
    const { importDocumentViolations } = await import('../../use-cases/snapshots/import-snapshot.ts');
    return (await importDocumentViolations(documents)).problems;
  },
  responses: {
    200: {
      description:
        'Per document: action, diff, validation, and with apply what was written or skipped and why',
      schema: v.looseObject({ mode: v.string() }),
    },
    ...problems,
  },
  handle: async ({ query, body, header, principal }, deps) => {
    if (query.mode === 'apply' && header.reason === undefined) {
      throw new ValidationError('Applying an import needs a reason', [
        {
          pointer: '/headers/plumbline-reason',
          rule: 'required',
          message: 'Plumbline-Reason is required for mode=apply',
          hint: 'Say why you import',
        },
      ]);
    }
    const report = await (await import('../../use-cases/snapshots/import-snapshot.ts')).importSnapshot(deps, {
      principal: principal,
      documents: body.documents.map((d) => ({ collection: d.collection, key: d.key, content: d.content })),
      mode: query.mode,
      reason: header.reason ?? 'import plan',
      ticket: header.ticket ?? null,
    });
    return json(200, report);
  },
});

/** Tags, export and import. */
export const snapshotRoutes: Route[] = [...SCOPE_TEMPLATES.flatMap(tagRoutes), exportRoute, importRoute];
