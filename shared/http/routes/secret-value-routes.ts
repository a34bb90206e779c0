import * as v from 'valibot';
import { json } from '../http-result.ts';
import { defineRoute, type Route } from '../route.ts';
import { VersionNumberString } from '../schemas.ts';
import { readProblems } from './common-responses.ts';
import { SECRET_ROUTE, SecretParams } from './secret-schemas.ts';

const { tags, itemPath, texts } = SECRET_ROUTE;

/** Revealing a secret value (audited): a route group of the `secrets` context, loaded with its first request. */
export const secretValueRoutes: Route[] = [
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
