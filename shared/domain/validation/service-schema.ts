import { Ajv2020, type ErrorObject, MissingRefError, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsImport from 'ajv-formats';
import { contentHash } from '../canonical-hash.ts';
import { appendViolations, UnprocessableError, ValidationError, type Violation } from '../errors.ts';
import { escapePointerToken, isJsonObject, type JsonObject, type JsonValue } from '../json-value.ts';
import { valueAt } from '../layers/json-pointer.ts';
import { CostMeter, MeteredDocument, SCHEMA_COST_LIMIT } from './cel-cost.ts';
import { type CelRule, type CompiledCelRule, compileCelRule, runCelRule } from './cel-rules.ts';
import {
  boundedAjvErrors,
  documentChecks,
  firstErrorHint,
  MAX_CONTENT_CHECKED_VALUES,
  MAX_CONTENT_CHECKS,
  MAX_DOCUMENT_CHECKS,
  tooCostly,
} from './document-check-budget.ts';
import { useJsonEqualKeywords } from './json-equal-keywords.ts';
import { ajvLinearRegExp } from './linear-regexp.ts';
import { checkSchemaDocumentLimits, checkSchemaPatterns } from './schema-limits.ts';
import { analyseSchemaReferences } from './schema-references.ts';
import { findUnknownKeys } from './unknown-keys.ts';
import { walkSchema } from './walk-schema.ts';

// ajv-formats ships CommonJS with a default export; normalise both shapes.
const addFormats = ((addFormatsImport as unknown as { default?: unknown }).default ?? addFormatsImport) as (
  ajv: Ajv2020,
) => void;

export type { CelRule } from './cel-rules.ts';
export {
  MAX_CONTENT_CHECKED_VALUES,
  MAX_CONTENT_CHECKS,
  MAX_DOCUMENT_CHECKS,
} from './document-check-budget.ts';

/** A service's schema document as stored (collection `schemas`, key `services/<service>`). */
export interface ServiceSchemaDocument {
  /** JSON Schema 2020-12. */
  schema: JsonObject;
  rules: CelRule[];
  /** Unknown keys are errors when true, warnings otherwise. */
  strict: boolean;
}

/** The outcome of validating one document: errors block a write, warnings do not. */
export interface CheckOutcome {
  errors: Violation[];
  warnings: Violation[];
}

/** A schema document compiled once, ready to validate many documents. */
export interface CompiledServiceSchema {
  validate(content: JsonObject): CheckOutcome;
}

/** A compiled schema, or every problem of the document. */
export type SchemaCompilation =
  | { compiled: CompiledServiceSchema; violations?: undefined }
  | { compiled?: undefined; violations: Violation[] };

/** Rules of violations that make a schema document malformed (400); the others refuse a well-formed one (422). */
const MALFORMED = new Set(['schema.invalid', 'rule.syntax', 'rule.duplicate-id']);
const CACHE_LIMIT = 200;
/**
 * Most characters of JSON (schema and rules) the cached schema documents
 * may hold together. A compiled schema costs about 53 bytes of heap per
 * character of its document (a 64 KiB one about 3.4 MB, with its
 * first-error validator): 200 of those would be 680 MB, over a 512 MB
 * Lambda; 2 MiB of documents stays near 110 MB.
 */
export const MAX_CACHED_SCHEMA_CHARACTERS = 2 * 1024 * 1024;
/** Compiled schemas by tenant and content hash, least recently used first, with their documents' characters. */
const cache = new Map<string, { compiled: CompiledServiceSchema; characters: number }>();
/** The characters of every document in {@link cache}. */
let cachedCharacters = 0;
/**
 * Check schemas against the 2020-12 meta-schema only, up to the first error
 * and with every error; they never hold a tenant's schema.
 */
let firstErrorMetaValidator: Ajv2020 | undefined;
let allErrorsMetaValidator: Ajv2020 | undefined;

/** The one dialect a schema may name in `$schema` (ajv's 2020-12 meta-schema; a trailing `#` is the same URI). */
export const SCHEMA_DIALECT = 'https://json-schema.org/draft/2020-12/schema';

/**
 * Most JSON values (objects, arrays, scalars) a JSON Schema may hold for
 * every meta-schema error of it to be listed. ajv's every-error mode
 * copies its growing error list at each subschema, so its cost grows with
 * the square of the number of errors (20,000 bad subschemas: seconds); a
 * larger schema that fails the meta-schema lists its first error only.
 */
export const MAX_META_CHECKED_VALUES = 2000;

function newAjv(validateSchema: boolean, allErrors = true): Ajv2020 {
  const ajv = new Ajv2020({
    allErrors,
    strict: false,
    validateSchema,
    code: { regExp: ajvLinearRegExp },
  });
  addFormats(ajv);
  useJsonEqualKeywords(ajv);
  return ajv;
}

/**
 * Compiles a tenant's schema document: the JSON Schema with ajv (draft
 * 2020-12, every error, patterns on RE2), each CEL rule with cel-js (RE2
 * `matches`, a cost estimate and a runtime budget). Returns every problem
 * of the document itself (pointers relative to it) instead of a compiled
 * schema when there are any: sizes over the limits, patterns RE2 cannot
 * run, a `$ref` outside the document, rules that do not parse or cost too
 * much.
 *
 * Nothing is shared between tenants: each document compiles in an Ajv
 * instance of its own, so `$ref` resolves only inside that document (never
 * in another schema, never over the network), and the cache of compiled
 * schemas is keyed by tenant and content hash (least recently used
 * evicted past 200 entries or {@link MAX_CACHED_SCHEMA_CHARACTERS}).
 *
 * @example compileServiceSchema('acme', { schema: { type: 'object' }, rules: [{ id: 'r', expr: 'self.a <= self.b', message: 'a <= b' }], strict: false })
 */
export function compileServiceSchema(tenantId: string, document: ServiceSchemaDocument): SchemaCompilation {
  const limits = checkSchemaDocumentLimits(document);
  // Why before the cache key: the limits bound the size and depth that hashing then walks.
  if (limits.length > 0) return compileDocument(document, limits);
  const key = `${tenantId}\n${contentHash(document)}`;
  const hit = cache.get(key);
  if (hit) {
    // Least recently used goes first: a hit moves to the end.
    cache.delete(key);
    cache.set(key, hit);
    return { compiled: hit.compiled };
  }
  const out = compileDocument(document, limits);
  if (!out.compiled) return out;
  const characters = JSON.stringify(document).length;
  for (const [oldest, entry] of cache) {
    if (cache.size < CACHE_LIMIT && cachedCharacters + characters <= MAX_CACHED_SCHEMA_CHARACTERS) break;
    cache.delete(oldest);
    cachedCharacters -= entry.characters;
  }
  cache.set(key, { compiled: out.compiled, characters });
  cachedCharacters += characters;
  return out;
}

/**
 * Every problem of a schema document, as {@link compileServiceSchema}
 * reports them (pointers relative to the document), without keeping the
 * compiled schema anywhere: for checks that are not tied to a tenant's
 * validations (import's content check).
 *
 * @example schemaDocumentViolations({ schema: { pattern: '(?=a)' }, rules: [], strict: false })[0]?.rule // 'schema.pattern-unsupported'
 */
export function schemaDocumentViolations(document: ServiceSchemaDocument): Violation[] {
  return compileDocument(document).violations ?? [];
}

/**
 * Checks and compiles a schema document, listing every problem of every
 * part that can be checked safely. The size limits come first and bound
 * what follows: a JSON Schema over a limit is not walked, checked or
 * compiled, and then no rule is compiled either (a rule's cost estimate
 * reads the schema); more rules than allowed are not compiled, nor is an
 * expression over its length. Within the limits, the patterns are checked
 * for RE2 and the schema against the meta-schema side by side, and the
 * schema is compiled (which builds its patterns) only when both pass and
 * its references were not refused (not local, recursive, too complex).
 */
function compileDocument(
  document: ServiceSchemaDocument,
  limits = checkSchemaDocumentLimits(document),
): SchemaCompilation {
  const violations = [...limits];
  const schemaWithinLimits = !violations.some((v) => v.pointer === '/schema');
  // Why not compiled with a violation of its references: a recursive or exponential schema is refused unseen by ajv.
  const schemaRefused = violations.some((v) => v.pointer.startsWith('/schema'));
  const tooLong = new Set(violations.filter((v) => v.rule === 'rule.too-long').map((v) => v.pointer));
  let validateFn: ValidateFunction | undefined;
  if (schemaWithinLimits) {
    const patterns = checkSchemaPatterns(document.schema);
    appendViolations(violations, patterns);
    const meta = metaSchemaViolations(document.schema);
    appendViolations(violations, meta);
    if (patterns.length === 0 && meta.length === 0 && !schemaRefused)
      validateFn = compileJsonSchema(document.schema, violations);
  }
  const rules: CompiledCelRule[] = [];
  const seen = new Set<string>();
  const compileRules = schemaWithinLimits && !violations.some((v) => v.rule === 'rules.too-many');
  document.rules.forEach((rule, i) => {
    if (!compileRules) return;
    if (seen.has(rule.id)) {
      violations.push({
        pointer: `/rules/${i}/id`,
        rule: 'rule.duplicate-id',
        value: rule.id,
        message: `rule id '${rule.id}' is used twice`,
      });
    }
    seen.add(rule.id);
    if (tooLong.has(`/rules/${i}/expr`)) return;
    const out = compileCelRule(rule, i, document.schema);
    if (out.compiled) rules.push(out.compiled);
    else appendViolations(violations, out.violations);
  });
  const total = rules.reduce((n, r) => n + r.estimatedCost, 0);
  if (total > SCHEMA_COST_LIMIT) {
    violations.push({
      pointer: '/rules',
      rule: 'rules.cost-exceeded',
      value: total,
      message: `the rules have an estimated worst-case cost of ${total} together, over the limit of ${SCHEMA_COST_LIMIT}`,
      hint: 'Bound what they iterate in the JSON Schema (maxItems, maxProperties, maxLength), or use fewer rules',
    });
  }
  if (violations.length > 0 || !validateFn) return { violations };
  const everyErrorFn = validateFn;
  const { checksByDepth, resolveRef } = analyseSchemaReferences(document.schema);
  // Compiled on the first document too large for every-error mode, kept with this schema (and its tenant).
  let firstErrorFn: ValidateFunction | undefined;
  const compiled: CompiledServiceSchema = {
    validate(content) {
      const errors: Violation[] = [];
      const cost = documentChecks(content, checksByDepth);
      // Why not ajv: past the bound it would block the event loop for every tenant.
      const refused = cost.checks > MAX_DOCUMENT_CHECKS;
      if (refused) errors.push(tooCostly(cost, Math.max(...checksByDepth)));
      else {
        const tooMany =
          cost.values > MAX_CONTENT_CHECKED_VALUES
            ? `holds over ${MAX_CONTENT_CHECKED_VALUES} values`
            : cost.checks > MAX_CONTENT_CHECKS
              ? `needs over ${MAX_CONTENT_CHECKS} schema checks`
              : undefined;
        if (tooMany) firstErrorFn ??= newAjv(false, false).compile(document.schema);
        const fn = tooMany ? (firstErrorFn as ValidateFunction) : everyErrorFn;
        for (const error of fn(content) ? [] : (fn.errors ?? [])) {
          const violation = fromAjvError(error, content);
          const hint = violation.hint ?? 'Fix this value';
          errors.push(
            tooMany
              ? { ...violation, hint: firstErrorHint(hint, `settings document ${tooMany}`) }
              : violation,
          );
        }
      }
      const metered = new MeteredDocument(content, new CostMeter());
      for (const rule of rules) appendViolations(errors, runCelRule(rule, content, metered));
      // Why not when refused: the unknown-key walk applies the same schema to the same keys.
      const unknown = refused ? [] : findUnknownKeys(document.schema, content, resolveRef);
      return document.strict
        ? { errors: [...errors, ...unknown], warnings: [] }
        : { errors, warnings: unknown };
    },
  };
  return { compiled };
}

/**
 * The error a write of a schema document that does not compile answers:
 * 400 when it is malformed (a JSON Schema that is not one, a rule that does
 * not parse, a duplicate rule id), 422 when it is well formed but refused
 * (a limit, a pattern, a `$ref` outside the document, a rule's cost).
 * Pointers are prefixed with `prefix` (`/body`).
 */
export function schemaDocumentError(
  violations: Violation[],
  prefix: string,
): ValidationError | UnprocessableError {
  const listed = violations.map((v) => ({ ...v, pointer: `${prefix}${v.pointer}` }));
  return violations.some((v) => MALFORMED.has(v.rule ?? ''))
    ? new ValidationError('The schema document is not valid', listed)
    : new UnprocessableError(
        'The schema document is refused: it breaks a limit of schemas and rules',
        listed,
      );
}

/**
 * Checks the JSON Schema against the 2020-12 meta-schema: one violation per
 * place and message (ajv repeats an error once per vocabulary), at its place
 * in the schema (`/schema/properties/a/minimum`), and one for a `$schema`
 * that names another dialect (then the rest is checked as 2020-12). Every
 * error of a schema of at most {@link MAX_META_CHECKED_VALUES} values, the
 * first of a larger one: the cost stays linear in the schema's size. This
 * only reads the schema (a `pattern` is checked to be a regular expression,
 * never run).
 */
function metaSchemaViolations(schema: JsonObject): Violation[] {
  const out: Violation[] = [];
  let checked = schema;
  if (Object.hasOwn(schema, '$schema') && !isDialect(schema.$schema)) {
    // ajv throws on a `$schema` it does not know: report it and check the rest as 2020-12.
    const { $schema, ...rest } = schema;
    checked = rest;
    out.push({
      pointer: '/schema/$schema',
      rule: 'schema.invalid',
      ...(typeof $schema === 'object' && $schema !== null ? {} : { value: $schema }),
      message: `not a JSON Schema dialect this service checks: $schema must be '${SCHEMA_DIALECT}'`,
      hint: `Set $schema to '${SCHEMA_DIALECT}' (JSON Schema 2020-12) or leave it out`,
    });
  }
  const { errors, listedAll } = boundedAjvErrors(checked, MAX_META_CHECKED_VALUES, (allErrors) => {
    const ajv = metaValidator(allErrors);
    return ajv.validateSchema(checked) ? [] : (ajv.errors ?? []);
  });
  const seen = new Set<string>();
  for (const error of errors) {
    const pointer = `/schema${error.instancePath}`;
    const message = `not a valid JSON Schema: ${error.message ?? `fails ${error.keyword}`}`;
    const id = `${pointer}\n${message}`;
    if (seen.has(id)) continue;
    seen.add(id);
    const params = error.params as Record<string, unknown>;
    const value = valueAt(checked, error.instancePath);
    const check = Array.isArray(params.allowedValues)
      ? `Use one of ${JSON.stringify(params.allowedValues)}`
      : 'Check it against the JSON Schema 2020-12 meta-schema';
    out.push({
      pointer,
      rule: 'schema.invalid',
      ...(value === undefined || (typeof value === 'object' && value !== null) ? {} : { value }),
      message,
      hint: listedAll ? check : firstErrorHint(check, `schema holds over ${MAX_META_CHECKED_VALUES} values`),
    });
  }
  return out;
}

/** The validator that holds only the meta-schema, in every-error or first-error mode (made on first use). */
function metaValidator(allErrors: boolean): Ajv2020 {
  if (allErrors) {
    allErrorsMetaValidator ??= newAjv(true);
    return allErrorsMetaValidator;
  }
  firstErrorMetaValidator ??= newAjv(true, false);
  return firstErrorMetaValidator;
}

/** Whether `value` names {@link SCHEMA_DIALECT}. */
function isDialect(value: JsonValue | undefined): boolean {
  return value === SCHEMA_DIALECT || value === `${SCHEMA_DIALECT}#`;
}

/** Compiles a JSON Schema that passed the meta-schema and the pattern checks, alone; pushes what fails. */
function compileJsonSchema(schema: JsonObject, violations: Violation[]): ValidateFunction | undefined {
  try {
    return newAjv(false).compile(schema);
  } catch (error) {
    if (error instanceof MissingRefError) {
      violations.push({
        pointer: `/schema${refPointer(schema, error.missingRef)}`,
        rule: 'schema.ref-unresolved',
        value: error.missingRef,
        message: `the $ref '${error.missingRef}' does not resolve inside this schema`,
        hint: 'A $ref may point only inside the same schema document (#/$defs/...): copy what it refers to into $defs',
      });
    } else {
      violations.push({
        pointer: '/schema',
        rule: 'schema.invalid',
        message: `the JSON Schema does not compile: ${(error as Error).message.split('\n')[0]}`,
        hint: 'Check it against the JSON Schema 2020-12 meta-schema',
      });
    }
    return undefined;
  }
}

/** The pointer of the first `$ref` that names `missing` (relative refs included), or the root. */
function refPointer(schema: JsonObject, missing: string): string {
  let found: string | undefined;
  walkSchema(schema, (node, pointer) => {
    const ref = node.$ref;
    if (found !== undefined || typeof ref !== 'string') return;
    const base = ref.split('#')[0] ?? '';
    if (base === '' ? missing.endsWith(ref) : missing.includes(base)) found = `${pointer}/$ref`;
  });
  return found ?? '';
}

function fromAjvError(error: ErrorObject, content: JsonObject): Violation {
  const params = error.params as Record<string, unknown>;
  let pointer = error.instancePath;
  if (error.keyword === 'required' && typeof params.missingProperty === 'string') {
    pointer = `${pointer}/${escapePointerToken(params.missingProperty)}`;
  }
  if (error.keyword === 'additionalProperties' && typeof params.additionalProperty === 'string') {
    pointer = `${pointer}/${escapePointerToken(params.additionalProperty)}`;
  }
  const value = valueAt(content, pointer);
  const hints: Record<string, string> = {
    required: 'Add this key (in this layer or a lower one)',
    additionalProperties: 'Remove this key or fix its spelling',
    type: `Use a value of type ${String(params.type ?? '')}`,
    enum: `Use one of ${JSON.stringify(params.allowedValues ?? [])}`,
    pattern: `Match the pattern ${String(params.pattern ?? '')}`,
  };
  const hint = hints[error.keyword];
  return {
    pointer,
    rule: `schema.${error.keyword}`,
    value: value === undefined ? null : value,
    message: error.message ?? `fails ${error.keyword}`,
    ...(hint ? { hint } : {}),
  };
}

/** True for a structurally valid schema body (object schema, rules list, strict flag). */
export function isServiceSchemaDocument(value: unknown): value is ServiceSchemaDocument {
  return (
    isJsonObject(value as JsonValue) &&
    isJsonObject((value as JsonObject).schema) &&
    Array.isArray((value as JsonObject).rules)
  );
}
