/** Lambda entry point for the secrets routes (API Gateway v2 events, issue 13). */
import { buildAwsSecretsDeps } from '../../shared/composition/build-aws-secrets-deps.ts';
import { secretsContextRoutes } from '../../shared/http/context-routes/secrets-context-routes.ts';
import { createHttpHandler, lazyHttpHandler } from '../../shared/http/create-http-handler.ts';

/** The secrets context's handler: dispatches on `routeKey`; its composition root is built on the first invocation. */
export const handler = lazyHttpHandler(() =>
  createHttpHandler(secretsContextRoutes, buildAwsSecretsDeps(process.env)),
);
