import * as v from 'valibot';
import { toRecord } from '../../domain/version-record.ts';
import { json, versionEtag } from '../http-result.ts';
import { type AnySchema, defineRoute, type ResponseSpec, type Route } from '../route.ts';
import { VersionNumberString, VersionRecordSchema } from '../schemas.ts';

/** A collection listing (profiles, schemas, policies). */
export const ListingSchema = v.object({
  items: v.array(
    v.object({
      key: v.string(),
      version: v.number(),
      author: v.string(),
      createdAt: v.string(),
      reason: v.string(),
    }),
  ),
});

/** How one kind of tenant-wide versioned document is listed and read. */
export interface DocumentReadSpec {
  collection: 'profiles' | 'schemas' | 'policies';
  ids: { list: string; get: string };
  tag: string;
  listPath: string;
  listSummary: string;
  listDescription: string;
  itemPath: string;
  itemParams: AnySchema;
  getSummary: string;
  getDescription: string;
  /** The document key from the validated path parameters. */
  keyOf(params: Record<string, string>): string;
  problems: Record<number, ResponseSpec>;
}

/**
 * `GET <listPath>` (latest version of each document) and
 * `GET <itemPath>[?version=N]` (one version record with its ETag) for one
 * kind of versioned document.
 *
 * @example documentReadRoutes({ collection: 'profiles', listPath: '/v1/profiles', itemPath: '/v1/profiles/{name}', ... })
 */
export function documentReadRoutes(spec: DocumentReadSpec): Route[] {
  return [
    defineRoute({
      id: spec.ids.list,
      method: 'GET',
      path: spec.listPath,
      context: 'settings',
      permission: 'settings:read',
      summary: spec.listSummary,
      tags: [spec.tag],
      responses: { 200: { description: spec.listDescription, schema: ListingSchema }, ...spec.problems },
      handle: async ({ principal }, deps) =>
        json(200, {
          items: await (
            await import('../../use-cases/effective/versioned-documents.ts')
          ).listVersionedDocuments(deps, principal, spec.collection),
        }),
    }),
    defineRoute({
      id: spec.ids.get,
      method: 'GET',
      path: spec.itemPath,
      context: 'settings',
      permission: 'settings:read',
      summary: spec.getSummary,
      tags: [spec.tag],
      params: spec.itemParams,
      query: v.object({ version: v.optional(VersionNumberString) }),
      responses: {
        200: { description: spec.getDescription, schema: VersionRecordSchema },
        ...spec.problems,
      },
      handle: async ({ params, query, principal }, deps) => {
        const key = spec.keyOf(params as Record<string, string>);
        const found = await (
          await import('../../use-cases/effective/versioned-documents.ts')
        ).readVersionedDocument(deps, principal, spec.collection, key, query.version);
        return json(200, toRecord(found), versionEtag(found.version));
      },
    }),
  ];
}
