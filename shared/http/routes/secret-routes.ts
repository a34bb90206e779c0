import * as v from 'valibot';
import { authorize } from '../../domain/rbac.ts';
import {
  ALPHABETS,
  CATEGORIES,
  CRITICALITIES,
  MAX_SECRET_VALUE_BYTES,
  metadataView,
  SECRET_NAME_PATTERN,
} from '../../domain/secrets/secret-model.ts';
import { decodeAfterCursor, encodeAfterCursor } from '../cursor.ts';
import { json, versionEtag, writeResponse } from '../http-result.ts';
import { ifMatchHeader, reasonHeader } from '../preconditions.ts';
import { defineRoute, type Route } from '../route.ts';
import { NameSchema, pageQuery, ReasonSchema, VersionNumberString } from '../schemas.ts';
import { readProblems, writeProblems } from './common-responses.ts';

/**
 * A secret value on its way in. Wrapped right after the type check so that a
 * failing check (empty, too long) never echoes the value in the 400's
 * `errors` (violations echo strings, not objects), nor in a log.
 */
export class SecretText {
  constructor(readonly text: string) {}
  toJSON(): string {
    return '[redacted]';
  }
}

/** A secret value: 1 byte to 64 KiB of UTF-8, never echoed. */
export const SecretValueSchema = v.pipe(
  v.string('value must be a string'),
  v.transform((text) => new SecretText(text)),
  v.check((s) => s.text.length > 0, 'value must not be empty'),
  v.check(
    (s) => Buffer.byteLength(s.text, 'utf8') <= MAX_SECRET_VALUE_BYTES,
    `value is at most ${MAX_SECRET_VALUE_BYTES} bytes (64 KiB)`,
  ),
);

/** A secret name (no `/`). */
export const SecretNameSchema = v.pipe(
  v.string(),
  v.regex(
    SECRET_NAME_PATTERN,
    'must be 1-128 lowercase letters, digits, ".", "_" or "-", starting and ending with a letter or digit',
  ),
);

const SecretParams = v.object({ env: NameSchema, name: SecretNameSchema });

const GenerateSchema = v.strictObject({
  length: v.pipe(v.number(), v.integer('must be an integer'), v.minValue(16), v.maxValue(256)),
  alphabet: v.optional(v.picklist(ALPHABETS, `alphabet is one of ${ALPHABETS.join(', ')}`), 'alphanumeric'),
});

/** Body of `PUT /v1/secrets/envs/{env}/{name}`: `value` or `generate`, never both. */
export const PutSecretBody = v.pipe(
  v.strictObject({
    value: v.optional(SecretValueSchema),
    criticality: v.picklist(CRITICALITIES, `criticality is one of ${CRITICALITIES.join(', ')}`),
    category: v.picklist(CATEGORIES, `category is one of ${CATEGORIES.join(', ')}`),
    description: v.optional(v.pipe(v.string(), v.maxLength(1000))),
    owner: v.optional(v.pipe(v.string(), v.email('owner must be an email address'), v.maxLength(254))),
    generate: v.optional(GenerateSchema),
    reason: ReasonSchema,
  }),
  v.forward(
    v.partialCheck(
      [['value'], ['generate']],
      (body) => !(body.value !== undefined && body.generate !== undefined),
      'send value or generate, not both',
    ),
    ['generate'],
  ),
  v.forward(
    v.partialCheck(
      [['value'], ['generate']],
      (body) => body.value !== undefined || body.generate !== undefined,
      'send a value, or generate to let Plumbline make one',
    ),
    ['value'],
  ),
);

/** Body of `POST .../{name}/rotate`. */
export const RotateSecretBody = v.strictObject({
  value: v.optional(SecretValueSchema),
  reason: ReasonSchema,
});

/** Secret metadata as every route returns it: never the value, never a hash of it. */
export const SecretMetadataSchema = v.object({
  name: v.string(),
  env: v.string(),
  version: v.number(),
  criticality: v.picklist(CRITICALITIES),
  category: v.picklist(CATEGORIES),
  description: v.nullable(v.string()),
  owner: v.nullable(v.string()),
  createdAt: v.string(),
  createdBy: v.string(),
  rotatedAt: v.string(),
  rotationDueAt: v.string(),
  generated: v.boolean(),
  state: v.picklist(['active', 'pending-deletion']),
  deletionAt: v.optional(v.string()),
});

const tags = ['secrets'];
const itemPath = '/v1/secrets/envs/{env}/{name}';
const texts = { notFound: 'No such secret' };

/** The routes of the `secrets` context (issue 13). */
export const secretRoutes: Route[] = [
  defineRoute({
    id: 'putSecret',
    method: 'PUT',
    path: itemPath,
    context: 'secrets',
    permission: 'secrets:write',
    summary: 'Write a secret (version 1: 201, later: 200 with the next version); the answer is metadata only',
    tags,
    params: SecretParams,
    body: { 'application/json': PutSecretBody },
    requestHeaders: { ifMatch: ifMatchHeader(false, 'secret') },
    responses: {
      200: { description: 'The next version', schema: SecretMetadataSchema },
      201: { description: 'Version 1', schema: SecretMetadataSchema },
      ...writeProblems(texts),
    },
    handle: async ({ params, body, header, principal, requestId }, deps) => {
      const outcome = await (await import('../../use-cases/secrets/put-secret.ts')).putSecret(deps, {
        principal,
        env: params.env,
        name: params.name,
        ...(body.value === undefined ? {} : { value: body.value.text }),
        ...(body.generate === undefined ? {} : { generate: body.generate }),
        criticality: body.criticality,
        category: body.category,
        ...(body.description === undefined ? {} : { description: body.description }),
        ...(body.owner === undefined ? {} : { owner: body.owner }),
        reason: body.reason,
        ifMatch: header.ifMatch,
        requestId,
      });
      return writeResponse(outcome, ({ metadata, created }) =>
        json(created ? 201 : 200, metadataView(metadata), versionEtag(metadata.version)),
      );
    },
  }),
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
  defineRoute({
    id: 'rotateSecret',
    method: 'POST',
    path: `${itemPath}/rotate`,
    context: 'secrets',
    permission: 'secrets:write',
    summary:
      'Rotate: write the next version (generated secrets need no value); the one before becomes previous',
    tags,
    params: SecretParams,
    body: { 'application/json': RotateSecretBody },
    requestHeaders: {
      ifMatch: ifMatchHeader(false, 'secret', 'Optional: the ETag you read; 412 when stale'),
    },
    responses: {
      200: { description: 'Metadata of the new version', schema: SecretMetadataSchema },
      ...writeProblems(texts),
    },
    handle: async ({ params, body, header, principal, requestId }, deps) => {
      const outcome = await (await import('../../use-cases/secrets/rotate-secret.ts')).rotateSecret(deps, {
        principal,
        env: params.env,
        name: params.name,
        ...(body.value === undefined ? {} : { value: body.value.text }),
        reason: body.reason,
        ifMatch: header.ifMatch,
        requestId,
      });
      return writeResponse(outcome, (metadata) =>
        json(200, metadataView(metadata), versionEtag(metadata.version)),
      );
    },
  }),
  defineRoute({
    id: 'deleteSecret',
    method: 'DELETE',
    path: itemPath,
    context: 'secrets',
    permission: 'secrets:write',
    summary: 'Schedule deletion after a 7-30 day recovery window (409 while settings reference it)',
    tags,
    params: SecretParams,
    query: v.object({
      recoveryDays: v.optional(
        v.pipe(
          v.string(),
          v.regex(/^[0-9]{1,2}$/, 'must be an integer'),
          v.transform(Number),
          v.minValue(7),
          v.maxValue(30),
        ),
        '30',
      ),
    }),
    requestHeaders: {
      reason: reasonHeader(true, 'Why (recorded in the audit trail)'),
      ifMatch: ifMatchHeader(false, 'secret', 'Optional: 412 when stale'),
    },
    responses: {
      200: {
        description: 'Metadata with state pending-deletion and deletionAt',
        schema: SecretMetadataSchema,
      },
      ...readProblems(texts),
      409: { description: 'Settings still reference it; `references` lists every document and pointer' },
      412: { description: 'If-Match is stale' },
    },
    handle: async ({ params, query, header, principal, requestId }, deps) => {
      const metadata = await (await import('../../use-cases/secrets/delete-secret.ts')).deleteSecret(deps, {
        principal,
        env: params.env,
        name: params.name,
        reason: header.reason,
        ifMatch: header.ifMatch,
        requestId,
        recoveryDays: query.recoveryDays,
      });
      return json(200, metadataView(metadata), versionEtag(metadata.version));
    },
  }),
  defineRoute({
    id: 'restoreSecret',
    method: 'POST',
    path: `${itemPath}/restore`,
    context: 'secrets',
    permission: 'secrets:write',
    summary: 'Undo a scheduled deletion within its recovery window',
    tags,
    params: SecretParams,
    body: { 'application/json': v.strictObject({ reason: ReasonSchema }) },
    requestHeaders: { ifMatch: ifMatchHeader(false, 'secret', 'Optional: 412 when stale') },
    responses: {
      200: { description: 'Metadata, state active again', schema: SecretMetadataSchema },
      ...readProblems(texts),
      409: { description: 'Not scheduled for deletion' },
      412: { description: 'If-Match is stale' },
    },
    handle: async ({ params, body, header, principal, requestId }, deps) => {
      const metadata = await (await import('../../use-cases/secrets/delete-secret.ts')).restoreSecret(deps, {
        principal,
        env: params.env,
        name: params.name,
        reason: body.reason,
        ifMatch: header.ifMatch,
        requestId,
      });
      return json(200, metadataView(metadata), versionEtag(metadata.version));
    },
  }),
  defineRoute({
    id: 'revealSecretValue',
    method: 'POST',
    path: `${itemPath}/value`,
    context: 'secrets',
    permission: 'secrets:reveal',
    summary:
      'Read a secret value (role secret-reader; audited as secret.read): current, ?version=N or ?stage=previous',
    tags,
    params: SecretParams,
    query: v.object({
      version: v.optional(VersionNumberString),
      stage: v.optional(v.picklist(['current', 'previous'], 'stage is current or previous')),
    }),
    responses: {
      200: {
        description: 'The value (Cache-Control: no-store)',
        schema: v.object({ name: v.string(), version: v.number(), value: v.string() }),
      },
      ...readProblems({ ...texts, forbidden: 'Role secret-reader (for this environment) is required' }),
    },
    handle: async ({ params, query, principal, requestId }, deps) => {
      const revealed = await (await import('../../use-cases/secrets/reveal-secret.ts')).revealSecret(deps, {
        principal,
        env: params.env,
        name: params.name,
        ...(query.version === undefined ? {} : { version: query.version }),
        ...(query.stage === undefined ? {} : { stage: query.stage }),
        requestId,
      });
      return json(200, revealed, { 'cache-control': 'no-store', pragma: 'no-cache' });
    },
  }),
];
