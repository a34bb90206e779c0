/** Lambda entry point for the settings routes (API Gateway v2 events). */
import { buildAwsSettingsDeps } from '../../shared/composition/build-aws-settings-deps.ts';
import { settingsContextRoutes } from '../../shared/http/context-routes/settings-context-routes.ts';
import { createHttpHandler, lazyHttpHandler } from '../../shared/http/create-http-handler.ts';

/** The settings context's handler: dispatches on `routeKey`; its composition root is built on the first invocation. */
export const handler = lazyHttpHandler(() =>
  createHttpHandler(settingsContextRoutes, buildAwsSettingsDeps(process.env)),
);
