import { Environment } from '@marcbachmann/cel-js';
import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsImport from 'ajv-formats';
import { contentHash } from '../canonical-hash.ts';
import type { Violation } from '../errors.ts';
import { escapePointerToken, isJsonObject, type JsonObject, type JsonValue } from '../json-value.ts';
import { valueAt } from '../layers/json-pointer.ts';
import { findUnknownKeys } from './unknown-keys.ts';

// ajv-formats ships CommonJS with a default export; normalise both shapes.
const addFormats = ((addFormatsImport as unknown as { default?: unknown }).default ?? addFormatsImport) as (
  ajv: Ajv2020,
) => void;

/** One cross-field rule in CEL; `self` is the effective settings document. */
export interface CelRule {
  id: string;
  expr: string;
  message: string;
}

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

const ajv = new Ajv2020({ allErrors: true, strict: false, validateSchema: true });
addFormats(ajv);
const cel = new Environment({ unlistedVariablesAreDyn: true });
const cache = new Map<string, CompiledServiceSchema>();
const CACHE_LIMIT = 200;

/**
 * Compiles a schema document: the JSON Schema with ajv (draft 2020-12,
 * every error), each CEL rule with cel-js. Returns every problem of the
 * document itself (pointers relative to it) instead of a compiled schema
 * when there are any. Compiled schemas are cached by content hash.
 *
 * @example compileServiceSchema({ schema: { type: 'object' }, rules: [{ id: 'r', expr: 'self.a <= self.b', message: 'a <= b' }], strict: false })
 */
export function compileServiceSchema(
  document: ServiceSchemaDocument,
):
  | { compiled: CompiledServiceSchema; violations?: undefined }
  | { compiled?: undefined; violations: Violation[] } {
  const key = contentHash(document);
  const hit = cache.get(key);
  if (hit) return { compiled: hit };
  const violations: Violation[] = [];
  let validateFn: ValidateFunction | undefined;
  try {
    validateFn = ajv.compile(document.schema);
  } catch (error) {
    violations.push({
      pointer: '/schema',
      rule: 'schema.invalid',
      message: `the JSON Schema does not compile: ${(error as Error).message.split('\n')[0]}`,
      hint: 'Check it against the JSON Schema 2020-12 meta-schema',
    });
  }
  const rules: { rule: CelRule; run: (ctx: Record<string, unknown>) => unknown }[] = [];
  const seen = new Set<string>();
  document.rules.forEach((rule, i) => {
    if (seen.has(rule.id)) {
      violations.push({
        pointer: `/rules/${i}/id`,
        rule: 'rule.duplicate-id',
        value: rule.id,
        message: `rule id '${rule.id}' is used twice`,
      });
    }
    seen.add(rule.id);
    try {
      rules.push({ rule, run: cel.parse(rule.expr) as unknown as (ctx: Record<string, unknown>) => unknown });
    } catch (error) {
      violations.push({
        pointer: `/rules/${i}/expr`,
        rule: 'rule.syntax',
        value: rule.expr,
        message: `the CEL expression does not parse: ${(error as Error).message.split('\n')[0]}`,
        hint: 'Rules are CEL over `self`, e.g. self.hpa.minReplicas <= self.hpa.maxReplicas',
      });
    }
  });
  if (violations.length > 0 || !validateFn) return { violations };
  const schemaFn = validateFn;
  const compiled: CompiledServiceSchema = {
    validate(content) {
      const errors: Violation[] = [];
      if (!schemaFn(content)) errors.push(...(schemaFn.errors ?? []).map((e) => fromAjvError(e, content)));
      for (const { rule, run } of rules) errors.push(...runRule(rule, run, content));
      const unknown = findUnknownKeys(document.schema, content);
      return document.strict
        ? { errors: [...errors, ...unknown], warnings: [] }
        : { errors, warnings: unknown };
    },
  };
  if (cache.size >= CACHE_LIMIT) cache.delete(cache.keys().next().value as string);
  cache.set(key, compiled);
  return { compiled };
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

function runRule(
  rule: CelRule,
  run: (ctx: Record<string, unknown>) => unknown,
  content: JsonObject,
): Violation[] {
  const pointer = firstSelfPath(rule.expr);
  const value = valueAt(content, pointer);
  const base = { pointer, rule: rule.id, value: value === undefined ? null : (value as JsonValue) };
  try {
    const result = run({ self: content });
    if (result === true) return [];
    if (result === false) return [{ ...base, message: rule.message, hint: `Rule: ${rule.expr}` }];
    return [
      {
        ...base,
        message: rule.message,
        hint: `The rule gave ${String(result)}, not a boolean: ${rule.expr}`,
      },
    ];
  } catch (error) {
    return [
      {
        ...base,
        message: rule.message,
        hint: `The rule could not be evaluated (${(error as Error).message.split('\n')[0]}); guard optional keys with has(self.x)`,
      },
    ];
  }
}

/**
 * `!has(self.hpa) || self.hpa.minReplicas <= ...` -> `/hpa/minReplicas`: the
 * deepest path the rule reads (the first of equal depth), to point at.
 */
function firstSelfPath(expr: string): string {
  let best: string[] = [];
  for (const match of expr.matchAll(/\bself((?:\.[A-Za-z_][A-Za-z0-9_]*)+)/g)) {
    const tokens = (match[1] ?? '').slice(1).split('.');
    if (tokens.length > best.length) best = tokens;
  }
  return best.map((token) => `/${escapePointerToken(token)}`).join('');
}

/** True for a structurally valid schema body (object schema, rules list, strict flag). */
export function isServiceSchemaDocument(value: unknown): value is ServiceSchemaDocument {
  return (
    isJsonObject(value as JsonValue) &&
    isJsonObject((value as JsonObject).schema) &&
    Array.isArray((value as JsonObject).rules)
  );
}
