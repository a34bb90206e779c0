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
 * and bound order). Pointers are under `prefix`. The parsed content has the
 * defaults a PUT would store (`rules: []`, `strict: false` in a schema).
 *
 * @example checkDocumentContent('policies', { allowedRegistries: 'r.io/' }, '/body/documents/0/content') // violations at .../allowedRegistries
 */
export function checkDocumentContent(kind: ContentKind, content: unknown, prefix: string): ContentCheck {
  const parsed = v.safeParse(CONTENT_SCHEMAS[kind], content);
  if (!parsed.success)
    return { violations: issuesToViolations(parsed.issues, prefix, CONTENT_SCHEMAS[kind]) };
  const output = parsed.output;
  const violations =
    kind === 'profiles'
      ? profileContentViolations(output as JsonObject, prefix)
      : kind === 'policies'
        ? checkPolicyDocument(output as EnvironmentPolicy, prefix)
        : kind === 'schemas'
          ? schemaDocumentViolations(output as v.InferOutput<typeof SchemaDocumentContentSchema>).map(
              (violation) => ({ ...violation, pointer: `${prefix}${violation.pointer}` }),
            )
          : [];
  return violations.length > 0 ? { violations } : { content: output as JsonObject };
}
