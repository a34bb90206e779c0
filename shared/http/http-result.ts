import type { SettingsVersion } from '../domain/settings-version.ts';
import { toRecord } from '../domain/version-record.ts';
import type { WriteOutcome } from '../use-cases/approvals/write-outcome.ts';

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

/**
 * The response to a write: `written(record)` when it was stored, else (a
 * protected environment) `202 Accepted` with the change request as body and
 * `Location: /v1/change-requests/{id}`.
 *
 * @example return writeResponse(await putProfile(deps, input), (v) => json(201, v, versionEtag(v.version)));
 */
export async function writeResponse<T>(
  outcome: WriteOutcome<T>,
  written: (record: T) => HttpResult | Promise<HttpResult>,
): Promise<HttpResult> {
  if (outcome.kind === 'written') return written(outcome.record);
  return {
    status: 202,
    body: outcome.request,
    headers: { 'content-type': 'application/json', location: `/v1/change-requests/${outcome.request.id}` },
  };
}

/**
 * The response to a write of a versioned document at `rawPath`: 201 with the
 * version (ETag, `Location: <rawPath>?version=N`), or 202 for a change request.
 *
 * @example return versionWriteResponse(rawPath, await putProfile(deps, input));
 */
export function versionWriteResponse(
  rawPath: string,
  outcome: WriteOutcome<SettingsVersion>,
): Promise<HttpResult> {
  return writeResponse(outcome, (record) =>
    json(201, toRecord(record), {
      ...versionEtag(record.version),
      location: `${rawPath}?version=${record.version}`,
    }),
  );
}
