import { ValidationError } from '../domain/errors.ts';
import type { IfMatch } from '../domain/settings-version.ts';

/**
 * Reads `If-Match: "<version>"` (a strong ETag of a version) or `If-Match: *`
 * (RFC 9110: any current version; the write path fails it with 412 when the
 * document does not exist). Absent gives `undefined`; anything else is a 400
 * with a hint.
 */
export function parseIfMatch(headers: Record<string, string>): IfMatch | undefined {
  const raw = headers['if-match'];
  if (raw === undefined) return undefined;
  if (raw.trim() === '*') return '*';
  const match = /^\s*"([1-9][0-9]{0,11})"\s*$/.exec(raw);
  if (!match?.[1]) {
    throw new ValidationError('If-Match must be one version ETag', [
      {
        pointer: '/headers/if-match',
        rule: 'etag',
        message: 'If-Match must be one strong ETag such as "3", or *',
        value: raw.slice(0, 100),
        hint: 'Use the ETag header of the version you read',
      },
    ]);
  }
  return Number(match[1]);
}

/** Reads an optional free-text header (trimmed, bounded). */
export function optionalHeader(
  headers: Record<string, string>,
  name: string,
  max: number,
): string | undefined {
  const raw = headers[name]?.trim();
  if (raw === undefined || raw === '') return undefined;
  if (raw.length > max) {
    throw new ValidationError(`${name} is too long`, [
      { pointer: `/headers/${name}`, rule: 'max-length', message: `at most ${max} characters` },
    ]);
  }
  return raw;
}

/**
 * The required `Plumbline-Reason` header of a deletion (trimmed, at most
 * 1000 characters); a 400 telling the caller to `why` when it is missing.
 *
 * @example const reason = requiredReasonHeader(headers, 'say why you delete this service account');
 */
export function requiredReasonHeader(headers: Record<string, string>, why: string): string {
  const reason = optionalHeader(headers, 'plumbline-reason', 1000);
  if (reason !== undefined) return reason;
  throw new ValidationError('Plumbline-Reason is required', [
    {
      pointer: '/headers/plumbline-reason',
      rule: 'required',
      message: why,
      hint: 'Send the header Plumbline-Reason',
    },
  ]);
}
