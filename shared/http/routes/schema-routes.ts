import * as v from 'valibot';
import { SchemaDocumentContentSchema } from '../../domain/documents/schema-document-content.ts';
import { wellFormedParts } from '../../domain/documents/well-formed-parts.ts';
import { versionWriteResponse } from '../http-result.ts';
import { ifMatchHeader } from '../preconditions.ts';
import { defineRoute, type Route } from '../route.ts';
import { NameSchema, ReasonSchema, TicketSchema, VersionRecordSchema } from '../schemas.ts';
import { readProblems, writeProblems } from './common-responses.ts';
import { documentReadRoutes } from './document-read-routes.ts';

/** Body of `PUT /v1/schemas/services/{service}`: the schema document (the shape import also checks) and why. */
export const PutSchemaBody = v.strictObject({
  ...SchemaDocumentContentSchema.entries,
  reason: ReasonSchema,
  ticket: v.optional(TicketSchema),
});

const texts = {
  invalid: 'Malformed request or schema; `errors` lists every violation',
  notFound: 'No schema for this service',
};
const problems = readProblems(texts);

/** Routes of service schemas: `GET /v1/schemas`, `GET|PUT /v1/schemas/services/{service}`. */
export const schemaRoutes: Route[] = [
  ...documentReadRoutes({
    collection: 'schemas',
    ids: { list: 'listSchemas', get: 'getSchema' },
    tag: 'schemas',
    listPath: '/v1/schemas',
    listSummary: 'List the registered service schemas with their latest version',
    listDescription: 'Schemas, by key services/<service>',
    itemPath: '/v1/schemas/services/{service}',
    itemParams: v.object({ service: NameSchema }),
    getSummary: "Read the latest (or ?version=N) version of a service's schema",
    getDescription: 'The version record; content is {schema, rules, strict}',
    keyOf: (params) => `services/${params.service}`,
    problems,
  }),
  defineRoute({
    id: 'putSchema',
    method: 'PUT',
    path: '/v1/schemas/services/{service}',
    context: 'settings',
    permission: 'schemas:write',
    summary:
      "Register a service's JSON Schema 2020-12 and CEL rules (a new version); the service is re-validated",
    tags: ['schemas'],
    params: v.object({ service: NameSchema }),
    body: { 'application/json': PutSchemaBody },
    requestHeaders: { ifMatch: ifMatchHeader(false, 'schema') },
    bodyChecks: async (body) =>
      (await import('../../domain/documents/check-document-content.ts')).contentRuleViolations(
        'schemas',
        wellFormedParts(PutSchemaBody, body),
        '/body',
      ),
    responses: {
      201: { description: 'The new version', schema: VersionRecordSchema },
      ...writeProblems({
        ...texts,
        unprocessable: "The service's settings break the new schema; `errors` lists all",
      }),
    },
    handle: async ({ params, body, header, principal, rawPath }, deps) => {
      const created = await (await import('../../use-cases/schemas/put-schema.ts')).putSchema(deps, {
        principal: principal,
        service: params.service,
        document: { schema: body.schema, rules: body.rules, strict: body.strict },
        reason: body.reason,
        ticket: body.ticket ?? null,
        ifMatch: header.ifMatch,
      });
      return versionWriteResponse(rawPath, created);
    },
  }),
];
