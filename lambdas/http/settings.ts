/** Lambda entry point for the settings routes (API Gateway v2 events). */
import { buildAwsSettingsDeps } from '../../shared/composition/build-aws-settings-deps.ts';
import { settingsLazyRoutes } from '../../shared/http/context-routes/settings-route-loaders.ts';
import { createHttpHandler, lazyHttpHandler } from '../../shared/http/create-http-handler.ts';

/** The settings context's handler: dispatches on `routeKey`; its composition root is built on the first invocation, each route group's schemas and handlers on the group's first request. */
export const handler = lazyHttpHandler(() =>
  createHttpHandler(settingsLazyRoutes(), buildAwsSettingsDeps(process.env)),
);
