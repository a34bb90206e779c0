/** Lambda entry point for the secrets routes (API Gateway v2 events, issue 13). */
import { buildAwsSecretsDeps } from '../../shared/composition/build-aws-secrets-deps.ts';
import { secretsLazyRoutes } from '../../shared/http/context-routes/secrets-route-loaders.ts';
import { createHttpHandler, lazyHttpHandler } from '../../shared/http/create-http-handler.ts';

/** The secrets context's handler: dispatches on `routeKey`; its composition root is built on the first invocation, each route group's schemas and handlers on the group's first request. */
export const handler = lazyHttpHandler(() =>
  createHttpHandler(secretsLazyRoutes(), buildAwsSecretsDeps(process.env)),
);
