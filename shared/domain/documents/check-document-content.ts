import * as v from 'valibot';
import type { Violation } from '../errors.ts';
import type { JsonObject } from '../json-value.ts';
import { checkPolicyDocument, type EnvironmentPolicy } from '../validation/environment-policy.ts';
import { schemaDocumentViolations } from '../validation/service-schema.ts';
import { issuesToViolations } from './issues-to-violations.ts';
import { PolicyContentSchema } from './policy-content.ts';
import { ProfileContentSchema, profileContentViolations } from './profile-content.ts';
import { SchemaDocumentContentSchema } from './schema-document-content.ts';
import { SettingsContentSchema } from './settings-content.ts';
import { wellFormedParts } from './well-formed-parts.ts';

/** The kinds of document a snapshot carries (the versioned collections that feed effective settings). */
export type ContentKind = 'settings' | 'profiles' | 'schemas' | 'policies';

/**
 * The one content schema of each kind: the PUT route of the kind and import
 * parse with the same object.
 */
export const CONTENT_SCHEMAS = {
  settings: SettingsContentSchema,
  profiles: ProfileContentSchema,
  schemas: SchemaDocumentContentSchema,
  policies: PolicyContentSchema,
} as const;

/** The outcome of {@link checkDocumentContent}: the parsed content, or every violation. */
export type ContentCheck =
  | { content: JsonObject; violations?: undefined }
  | { content?: undefined; violations: Violation[] };

/**
 * Checks a document's content as its PUT route and use case do: the kind's
 * shape ({@link CONTENT_SCHEMAS}), then its domain rules (no `$profile` in a
 * profile; a schema that compiles with rules that parse; policy quantities
 * and bound order), on the members the shape accepts when it refuses others,
 * so that every problem is listed at once. Pointers are under `prefix`. The
 * parsed content has the defaults a PUT would store (`rules: []`, `strict:
 * false` in a schema).
 *
 * @example checkDocumentContent('policies', { allowedRegistries: 'r.io/' }, '/body/documents/0/content') // violations at .../allowedRegistries
 */
export function checkDocumentContent(kind: ContentKind, content: unknown, prefix: string): ContentCheck {
  const schema = CONTENT_SCHEMAS[kind];
  const parsed = v.safeParse(schema, content);
  if (parsed.success) {
    const violations = contentRuleViolations(kind, parsed.output, prefix);
    return violations.length > 0 ? { violations } : { content: parsed.output as JsonObject };
  }
  return {
    violations: [
      ...issuesToViolations(parsed.issues, prefix, schema),
      ...contentRuleViolations(kind, wellFormedParts(schema, content), prefix),
    ],
  };
}

/**
 * The domain rules of a document's content, on what of it is well-formed
 * (`undefined`: nothing). A schema document's rules are compiled only when
 * every one of them is well-formed (a rule's pointer is its index).
 */
export function contentRuleViolations(kind: ContentKind, parts: unknown, prefix: string): Violation[] {
  if (parts === undefined) return [];
  if (kind === 'profiles') return profileContentViolations(parts as JsonObject, prefix);
  if (kind === 'policies') return checkPolicyDocument(parts as EnvironmentPolicy, prefix);
  if (kind !== 'schemas') return [];
  const document = parts as Partial<v.InferOutput<typeof SchemaDocumentContentSchema>>;
  if (document.schema === undefined) return [];
  const rules =
    Array.isArray(document.rules) && v.is(SchemaDocumentContentSchema.entries.rules, document.rules)
      ? document.rules
      : [];
  return schemaDocumentViolations({ schema: document.schema, rules, strict: false }).map((violation) => ({
    ...violation,
    pointer: `${prefix}${violation.pointer}`,
  }));
}
