import { metadataView } from '../../domain/secrets/secret-model.ts';
import { json, versionEtag, writeResponse } from '../http-result.ts';
import { ifMatchHeader } from '../preconditions.ts';
import { defineRoute, type Route } from '../route.ts';
import { writeProblems } from './common-responses.ts';
import { PutSecretBody, SECRET_ROUTE, SecretMetadataSchema, SecretParams } from './secret-schemas.ts';

const { tags, itemPath, texts } = SECRET_ROUTE;

/** Writing a secret (`PUT`): a route group of the `secrets` context (issue 13), loaded with its first request. */
export const secretWriteRoutes: Route[] = [
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
];
