import * as v from 'valibot';
import type { IfMatch } from '../domain/settings-version.ts';
import type { RequestHeader } from './route.ts';
import { ReasonSchema } from './schemas.ts';

/**
 * `If-Match: "<version>"` (a strong ETag of a version) or `If-Match: *`
 * (RFC 9110: any current version; the write path fails it with 412 when the
 * document does not exist), as the version number or `*`.
 */
export const IfMatchSchema = v.pipe(
  v.string(),
  v.trim(),
  v.regex(/^(\*|"[1-9][0-9]{0,11}")$/, 'If-Match must be one strong ETag such as "3", or *'),
  v.transform((raw): IfMatch => (raw === '*' ? '*' : Number(raw.slice(1, -1)))),
);

/** A free-text header value: trimmed, at most `max` characters. */
export function textHeaderSchema(max: number) {
  return v.pipe(v.string(), v.trim(), v.maxLength(max, `at most ${max} characters`));
}

/**
 * The `If-Match` header of versioned documents. A required one that is
 * missing is not a 400 on its own (`missing: 'precondition'`): the handler
 * gets `undefined`, and the write path answers 428 with the current version.
 *
 * @example requestHeaders: { ifMatch: ifMatchHeader(false, 'profile') }
 */
export function ifMatchHeader<R extends boolean>(
  required: R,
  what = 'document',
  description?: string,
): RequestHeader<typeof IfMatchSchema, R> & (R extends true ? { missing: 'precondition' } : unknown) {
  return {
    name: 'If-Match',
    required,
    description:
      description ??
      (required
        ? 'The ETag ("<version>") of the version you read'
        : `The ETag ("<version>") of the version you read; required once the ${what} exists`),
    schema: IfMatchSchema,
    malformed: { rule: 'etag', hint: 'Use the ETag header of the version you read' },
    ...(required ? { missing: 'precondition' as const } : {}),
  } as RequestHeader<typeof IfMatchSchema, R> & (R extends true ? { missing: 'precondition' } : unknown);
}

/**
 * The `Plumbline-Reason` header: why (same rules as a body's `reason`).
 *
 * @example requestHeaders: { reason: reasonHeader(true, 'Why (recorded in the audit trail)') }
 */
export function reasonHeader<R extends boolean>(
  required: R,
  description: string,
): RequestHeader<typeof ReasonSchema, R> {
  return { name: 'Plumbline-Reason', required, description, schema: ReasonSchema };
}

const TicketHeaderSchema = textHeaderSchema(200);

/** The optional `Plumbline-Ticket` header: a ticket reference, at most 200 characters. */
export function ticketHeader(): RequestHeader<typeof TicketHeaderSchema, false> {
  return {
    name: 'Plumbline-Ticket',
    required: false,
    description: 'A ticket reference',
    schema: TicketHeaderSchema,
  };
}
