import * as v from 'valibot';
import { JsonObjectSchema } from './json-object-schema.ts';

/** One CEL rule: `self` is the effective settings document. */
export const CelRuleSchema = v.strictObject({
  id: v.pipe(
    v.string(),
    v.regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}$/, 'must be 1-100 letters, digits, _ . or -'),
  ),
  expr: v.pipe(
    v.string(),
    v.minLength(1, 'expr must not be empty'),
    v.maxLength(2000, 'expr is at most 2000 characters'),
  ),
  message: v.pipe(
    v.string(),
    v.minLength(1, 'message must not be empty'),
    v.maxLength(500, 'message is at most 500 characters'),
  ),
});

/**
 * The content of a service schema document (collection `schemas`, key
 * `services/<service>`): a JSON Schema, CEL rules (default none) and the
 * strict flag (default false). Whether the schema compiles and the rules
 * parse is checked by `compileServiceSchema`.
 */
export const SchemaDocumentContentSchema = v.strictObject({
  schema: JsonObjectSchema,
  rules: v.optional(v.pipe(v.array(CelRuleSchema), v.maxLength(100, 'at most 100 rules')), []),
  strict: v.optional(v.boolean('strict is true or false'), false),
});
