import * as v from 'valibot';
import { metadataView } from '../../domain/secrets/secret-model.ts';
import { json, versionEtag, writeResponse } from '../http-result.ts';
import { ifMatchHeader, reasonHeader } from '../preconditions.ts';
import { defineRoute, type Route } from '../route.ts';
import { ReasonSchema } from '../schemas.ts';
import { readProblems, writeProblems } from './common-responses.ts';
import { RotateSecretBody, SECRET_ROUTE, SecretMetadataSchema, SecretParams } from './secret-schemas.ts';

const { tags, itemPath, texts } = SECRET_ROUTE;

/** Rotating, deleting and restoring a secret: a route group of the `secrets` context, loaded with its first request. */
export const secretLifecycleRoutes: Route[] = [
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
];
