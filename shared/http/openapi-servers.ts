/** A JSON object (an OpenAPI document). */
type JsonSchema = Record<string, unknown>;

/**
 * The document as served to one caller: {@link buildOpenApi}'s document with
 * `servers` naming the API's own origin (the local runtime's URL locally, the
 * API's URL on AWS), placed after `info` as OpenAPI documents usually are.
 *
 * @example withServer(buildOpenApi(routeTable), 'http://127.0.0.1:8787').servers // [{ url: 'http://127.0.0.1:8787', ... }]
 */
export function withServer(document: JsonSchema, serverUrl: string): JsonSchema {
  const { openapi, info, ...rest } = document;
  return {
    openapi,
    info,
    servers: [{ url: serverUrl.replace(/\/+$/, ''), description: 'This Plumbline API' }],
    ...rest,
  };
}

/**
 * The origin the API is reached at: the configured public URL when there is
 * one (`PLUMBLINE_PUBLIC_URL` on AWS, the server's URL locally), otherwise
 * the request's `Host` (API Gateway also sends `X-Forwarded-Proto`).
 */
export function serverUrlOf(headers: Record<string, string>, publicUrl: (() => string) | undefined): string {
  if (publicUrl) return new URL(publicUrl()).origin;
  const proto = headers['x-forwarded-proto'] === 'http' ? 'http' : 'https';
  return `${proto}://${headers.host ?? 'localhost'}`;
}
