import type { ContextDeps } from '../http/context-ports.ts';
import { basePortsFrom, type Env } from './base-ports.ts';
import { publicUrlFrom } from './public-url.ts';

/**
 * The composition root of the system context on AWS (health, OpenAPI):
 * no tenant data and no SDK client, only the API's public URL for the
 * OpenAPI document's `servers`.
 *
 * @example export const handler = lazyHttpHandler(() => createHttpHandler(routesOf('system'), buildAwsSystemDeps(process.env)));
 */
export function buildAwsSystemDeps(env: Env): ContextDeps<'system'> {
  // The URL is read on use: health answers even where it is not set.
  return { ...basePortsFrom(env), publicUrl: () => publicUrlFrom(env)() };
}
