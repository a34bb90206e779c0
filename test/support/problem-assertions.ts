import { expect } from 'vitest';
import { jsonOf, type RawResponse } from './http-client.ts';

/** Text that must never reach a client: SDK error names, stack frames, file paths, infrastructure names. */
export const LEAK_PATTERN =
  /Exception|\bat [^ ]+ \(|node_modules|\.ts:\d+|dynamo|dynalite|aws-sdk|ECONN|stack/i;

/**
 * Asserts the response is a success or a well-formed RFC 9457 problem
 * (`application/problem+json` with type, title, status and detail), never a
 * 5xx other than a 503 (when `allow503`) and never leaking internals. A route
 * that documents another media type for a status (the approval page's HTML)
 * may answer that status in that media type.
 */
export function expectWellFormed(
  res: RawResponse,
  context: string,
  options: { allow503?: boolean; documented?: Record<number, { contentType?: string }> } = {},
): void {
  const label = `${context} -> ${res.status} ${res.text.slice(0, 300)}`;
  const documentedType = options.documented?.[res.status]?.contentType;
  if (
    documentedType &&
    !documentedType.includes('json') &&
    (res.headers['content-type'] ?? '').startsWith(documentedType)
  ) {
    expect(res.status, label).toBeLessThan(500);
    expect(res.text, label).not.toMatch(LEAK_PATTERN);
    return;
  }
  if (options.allow503 && res.status === 503) {
    expectProblem(res, label);
    expect(res.headers['retry-after'], label).toMatch(/^[0-9]+$/);
    return;
  }
  expect(res.status, label).toBeGreaterThanOrEqual(200);
  expect(res.status, label).toBeLessThan(500);
  if (res.status >= 400) expectProblem(res, label);
  else if (res.text.length > 0) expect(jsonOf(res), label).not.toBeUndefined();
}

/** Asserts a problem body: media type, members and no leak of internals. */
export function expectProblem(res: RawResponse, label: string): void {
  expect(res.headers['content-type'] ?? '', label).toMatch(/^application\/problem\+json/);
  const body = jsonOf(res) as Record<string, unknown> | undefined;
  expect(body, label).toBeTypeOf('object');
  expect(body?.type, label).toBeTypeOf('string');
  expect(body?.title, label).toBeTypeOf('string');
  expect(body?.status, label).toBe(res.status);
  expect(body?.detail, label).toBeTypeOf('string');
  if (body?.errors !== undefined) {
    expect(Array.isArray(body.errors), label).toBe(true);
    for (const e of body.errors as Record<string, unknown>[]) {
      expect(e.pointer, label).toBeTypeOf('string');
      expect(e.message, label).toBeTypeOf('string');
    }
  }
  const { detail, title, type } = body as { detail: string; title: string; type: string };
  expect(`${type} ${title} ${detail}`, label).not.toMatch(LEAK_PATTERN);
}
