import type { Env } from './base-ports.ts';
import { requireEnv } from './require-env.ts';
import { PORT_ENV } from './workflow-task-env.ts';

/** The API's public base URL, for the links in notifications and the OpenAPI document's `servers`. */
export function publicUrlFrom(env: Env): () => string {
  const [publicUrl] = requireEnv(env, PORT_ENV.publicUrl) as [string];
  return () => publicUrl;
}
