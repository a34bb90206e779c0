import * as v from 'valibot';
import { authorize } from '../../domain/rbac.ts';
import { metadataView, SECRET_NAME_PATTERN } from '../../domain/secrets/secret-model.ts';
import { decodeAfterCursor, encodeAfterCursor } from '../cursor.ts';
import { json, versionEtag } from '../http-result.ts';
import { defineRoute, type Route } from '../route.ts';
import { NameSchema, pageQuery } from '../schemas.ts';
import { readProblems } from './common-responses.ts';
import { SECRET_ROUTE, SecretMetadataSchema, SecretParams } from './secret-schemas.ts';

const { tags, itemPath, texts } = SECRET_ROUTE;

/** Secret metadata reads (list, rotation due, one secret): a route group of the `secrets` context, loaded with its first request. */
export const secretReadRoutes: Route[] = [
  defineRoute({
    id: 'listSecrets',
    method: 'GET',
    path: '/v1/secrets/envs/{env}',
    context: 'secrets',
    permission: 'secrets:read',
    summary: "List an environment's secrets (metadata only), by name, paged",
    tags,
    params: v.object({ env: NameSchema }),
    query: pageQuery(50),
    responses: {
      200: {
        description: 'A page of secret metadata',
        schema: v.object({ items: v.array(SecretMetadataSchema), nextCursor: v.nullable(v.string()) }),
      },
      ...readProblems(),
    },
    handle: async ({ params, query, principal }, deps) => {
      const after = decodeAfterCursor(query.cursor, SECRET_NAME_PATTERN);
      const page = await deps.secrets.list(principal.tenantId, params.env, {
        limit: query.limit,
        ...(after === undefined ? {} : { after }),
      });
      return json(200, { items: page.items.map(metadataView), nextCursor: encodeAfterCursor(page.next) });
    },
  }),
  defineRoute({
    id: 'rotationDueSecrets',
    method: 'GET',
    path: '/v1/secrets/rotation-due',
    context: 'secrets',
    permission: 'secrets:read',
    permissionScope: 'resource',
    summary:
      'Secrets of an environment whose current version passed its rotation period (critical 30 d, standard 90, low 365, or the policy)',
    tags,
    query: v.object({ env: NameSchema }),
    responses: {
      200: {
        description: 'Secrets due for rotation',
        schema: v.object({
          items: v.array(
            v.object({ ...SecretMetadataSchema.entries, periodDays: v.number(), dueAt: v.string() }),
          ),
        }),
      },
      ...readProblems(),
    },
    handle: async ({ query, principal }, deps) => {
      authorize(principal, 'secrets:read', query.env);
      const due = await (await import('../../use-cases/secrets/rotation-due.ts')).rotationDue(
        deps,
        principal.tenantId,
        query.env,
      );
      return json(200, {
        items: due.map((d) => ({ ...metadataView(d.metadata), periodDays: d.periodDays, dueAt: d.dueAt })),
      });
    },
  }),
  defineRoute({
    id: 'getSecret',
    method: 'GET',
    path: itemPath,
    context: 'secrets',
    permission: 'secrets:read',
    summary: 'Metadata of a secret and its versions with their stages (current, previous, deprecated)',
    tags,
    params: SecretParams,
    responses: {
      200: {
        description: 'Metadata and versions, newest first',
        schema: v.object({
          ...SecretMetadataSchema.entries,
          versions: v.array(
            v.object({
              number: v.number(),
              version: v.number(),
              createdAt: v.string(),
              createdBy: v.string(),
              reason: v.string(),
              stage: v.picklist(['current', 'previous', 'deprecated']),
            }),
          ),
        }),
      },
      ...readProblems(texts),
    },
    handle: async ({ params, principal }, deps) => {
      const ref = { tenantId: principal.tenantId, env: params.env, name: params.name };
      const { metadata, versions } = await (await import('../../use-cases/secrets/get-secret.ts')).getSecret(
        deps,
        ref,
      );
      return json(200, { ...metadataView(metadata), versions }, versionEtag(metadata.version));
    },
  }),
];
