/**
 * The OpenAPI document prebuilt from the route table when a Lambda bundle
 * is made (`houseBuildOptions` defines it); this module is imported only
 * inside bundles, on the first request for the document.
 */
declare const PLUMBLINE_OPENAPI_DOCUMENT: string;

let document: Record<string, unknown> | undefined;

/** The prebuilt document, parsed once. */
export function prebuiltOpenApiDocument(): Record<string, unknown> {
  document ??= JSON.parse(PLUMBLINE_OPENAPI_DOCUMENT) as Record<string, unknown>;
  return document;
}
