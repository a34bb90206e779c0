/** What a route handler returns; turned into an API Gateway v2 result at the edge. */
export interface HttpResult {
  status: number;
  /** Serialised as JSON unless `rawBody` is given. */
  body?: unknown;
  /** A body sent as is (HTML pages); needs a `content-type` header. */
  rawBody?: string;
  headers?: Record<string, string>;
}

/** A JSON response with an optional ETag for a versioned resource. */
export function json(status: number, body: unknown, headers: Record<string, string> = {}): HttpResult {
  return { status, body, headers };
}

/** The strong ETag of a document version: `"<version>"`. */
export function versionEtag(version: number): Record<string, string> {
  return { etag: `"${version}"` };
}
