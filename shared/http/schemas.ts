import * as v from 'valibot';
import { JsonObjectSchema } from '../domain/documents/json-object-schema.ts';
import { ProfileContentSchema } from '../domain/documents/profile-content.ts';
import { SettingsContentSchema } from '../domain/documents/settings-content.ts';
import { isJsonObject } from '../domain/json-value.ts';
import { NAME_PATTERN } from '../domain/scope.ts';

/** A plain JSON object (defined with the document content schemas, in the domain). */
export { JsonObjectSchema };

/** An environment, service or instance name. */
export const NameSchema = v.pipe(
  v.string(),
  v.regex(NAME_PATTERN, 'must be 1-63 lowercase letters, digits or dashes, starting with a letter or digit'),
);

/** A human reason for a change (required on every write). */
export const ReasonSchema = v.pipe(
  v.string('reason is required: say why you make this change'),
  v.trim(),
  v.minLength(1, 'reason must not be empty'),
  v.maxLength(1000, 'reason is at most 1000 characters'),
);

/** An optional ticket reference (`OPS-123`, a URL). */
export const TicketSchema = v.pipe(
  v.string(),
  v.trim(),
  v.minLength(1),
  v.maxLength(200, 'ticket is at most 200 characters'),
);

/** A positive integer given as a query string. */
export const VersionNumberString = v.pipe(
  v.string(),
  v.regex(/^[1-9][0-9]{0,11}$/, 'must be a positive integer'),
  v.transform(Number),
);

const putContentBody = (content: typeof JsonObjectSchema) =>
  v.strictObject({ content, reason: ReasonSchema, ticket: v.optional(TicketSchema) });

/** Body of `PUT SCOPE`. */
export const PutSettingsBody = putContentBody(SettingsContentSchema);

/** Body of `PUT /v1/profiles/{name}`. */
export const PutProfileBody = putContentBody(ProfileContentSchema);

/** Body of `POST SCOPE/rollback`. */
export const RollbackBody = v.strictObject({
  toVersion: v.pipe(v.number(), v.integer('must be an integer'), v.minValue(1, 'versions start at 1')),
  reason: ReasonSchema,
});

/** An RFC 7396 merge patch for settings. */
export const MergePatchBody = JsonObjectSchema;

/** An RFC 6902 patch document (operations are checked in detail by the domain). */
export const JsonPatchBody = v.array(
  v.custom<{ op: string; path: string }>(isJsonObject, 'each operation is an object'),
);

/** A version record as the API returns it. */
export const VersionRecordSchema = v.object({
  version: v.number(),
  content: JsonObjectSchema,
  author: v.string(),
  createdAt: v.string(),
  reason: v.string(),
  ticket: v.nullable(v.string()),
  contentHash: v.string(),
  prevHash: v.nullable(v.string()),
  keysTouchedPercent: v.number(),
  /** Validation warnings recorded with the version (unknown keys outside strict mode); absent when none. */
  warnings: v.optional(
    v.array(v.looseObject({ pointer: v.string(), rule: v.optional(v.string()), message: v.string() })),
  ),
  /** Set on a rollback: the earlier version whose content this version restores. */
  rollbackOf: v.optional(v.number()),
});

/** A history entry: the record without content. */
export const VersionSummarySchema = v.omit(VersionRecordSchema, ['content']);

/** A page of a document's history, newest first: summaries and the cursor of the next page. */
export const VersionPageSchema = v.object({
  items: v.array(VersionSummarySchema),
  nextCursor: v.nullable(v.string()),
});

/** The RFC 6902 patch between two versions of a document, with the share of keys it touches. */
export const VersionDiffSchema = v.object({
  from: v.number(),
  to: v.number(),
  patch: v.array(v.unknown()),
  keysTouchedPercent: v.number(),
});

/** An RFC 9457 problem body. */
export const ProblemSchema = v.looseObject({
  type: v.string(),
  title: v.string(),
  status: v.number(),
  detail: v.string(),
  errors: v.optional(v.array(v.looseObject({ pointer: v.string(), message: v.string() }))),
});

/**
 * The query of a paged listing: `limit` (1-100, given as a string, default
 * `defaultLimit`, a number or its text) and the opaque `cursor` of the
 * previous page (at most `cursorMaxLength` characters).
 *
 * @example query: pageQuery(50)
 */
export function pageQuery(defaultLimit: number | string, cursorMaxLength = 300) {
  return v.object({
    limit: v.optional(
      v.pipe(
        v.string(),
        v.regex(/^[0-9]{1,3}$/, 'must be an integer'),
        v.transform(Number),
        v.minValue(1),
        v.maxValue(100),
      ),
      String(defaultLimit),
    ),
    cursor: v.optional(v.pipe(v.string(), v.maxLength(cursorMaxLength))),
  });
}
