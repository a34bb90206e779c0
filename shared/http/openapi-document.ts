import { buildOpenApi } from './openapi.ts';
import { routeTable } from './route-table.ts';

let document: ReturnType<typeof buildOpenApi> | undefined;

/** The OpenAPI document of the whole route table, built once per process on first use (unbundled runs). */
export function openApiDocument(): ReturnType<typeof buildOpenApi> {
  document ??= buildOpenApi(routeTable);
  return document;
}
