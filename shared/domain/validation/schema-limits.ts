import type { Violation } from '../errors.ts';
import { escapePointerToken, isJsonObject, type JsonObject, type JsonValue } from '../json-value.ts';
import { LINEAR_REGEXP_HINT, linearRegExpProblem } from './linear-regexp.ts';
import { analyseSchemaReferences } from './schema-references.ts';
import { appliedSubschemas, walkSchema } from './walk-schema.ts';

export { MAX_SCHEMA_UNFOLDED_SIZE } from './schema-references.ts';

/** Most CEL rules in one schema document. */
export const MAX_RULES = 64;
/** Longest CEL expression, in characters. */
export const MAX_RULE_EXPRESSION_LENGTH = 2048;
/** Largest JSON Schema (the `schema` member), in characters of its JSON text. */
export const MAX_SCHEMA_CHARACTERS = 64 * 1024;
/** Deepest nesting of objects and arrays in the JSON Schema. */
export const MAX_SCHEMA_DEPTH = 32;
/**
 * Most `pattern`s and `patternProperties` keys in one JSON Schema: each runs
 * in time linear in the strings it checks, so their number multiplies it.
 */
export const MAX_SCHEMA_PATTERNS = 32;
/**
 * Most members of one applicator keyword (`properties`, `allOf`, `anyOf`
 * ...) of one subschema. ajv compiles sibling members into nested blocks:
 * 2,000 `properties` (51 KB of JSON) overflow the stack when the compiled
 * validator first runs, in both error modes; 1,500 still run.
 */
export const MAX_SCHEMA_KEYWORD_MEMBERS = 1000;

/**
 * The size limits of a schema document (documented in docs/reliability.md):
 * number of rules, expression length, JSON Schema size and depth, then
 * (within those) its references: local, resolved, not recursive, and an
 * unfolded size of at most {@link MAX_SCHEMA_UNFOLDED_SIZE}. Pointers
 * are relative to the document (`/rules`, `/rules/<i>/expr`, `/schema`).
 * Checked before anything else reads the document, so that no later step
 * recurses into an arbitrarily deep or large one.
 *
 * @example checkSchemaDocumentLimits({ schema: {}, rules: new Array(65).fill({ expr: 'true' }) })[0]?.rule // 'rules.too-many'
 */
export function checkSchemaDocumentLimits(document: {
  schema: JsonObject;
  rules: { expr: string }[];
}): Violation[] {
  const out: Violation[] = [];
  if (document.rules.length > MAX_RULES) {
    out.push({
      pointer: '/rules',
      rule: 'rules.too-many',
      value: document.rules.length,
      message: `a schema has at most ${MAX_RULES} rules, this one has ${document.rules.length}`,
      hint: 'Combine related checks into one rule',
    });
  }
  document.rules.forEach((rule, i) => {
    if (typeof rule.expr === 'string' && rule.expr.length > MAX_RULE_EXPRESSION_LENGTH) {
      out.push({
        pointer: `/rules/${i}/expr`,
        rule: 'rule.too-long',
        value: rule.expr.length,
        message: `a rule expression has at most ${MAX_RULE_EXPRESSION_LENGTH} characters, this one has ${rule.expr.length}`,
        hint: 'Split it into several rules',
      });
    }
  });
  const depth = nestingDepth(document.schema);
  if (depth > MAX_SCHEMA_DEPTH) {
    out.push({
      pointer: '/schema',
      rule: 'schema.too-deep',
      message: `the JSON Schema nests objects and arrays more than ${MAX_SCHEMA_DEPTH} deep`,
      hint: 'Move repeated parts into $defs and refer to them with $ref',
    });
    return out;
  }
  const characters = JSON.stringify(document.schema).length;
  if (characters > MAX_SCHEMA_CHARACTERS) {
    out.push({
      pointer: '/schema',
      rule: 'schema.too-large',
      value: characters,
      message: `the JSON Schema has ${characters} characters of JSON, over ${MAX_SCHEMA_CHARACTERS}`,
      hint: 'Describe only the keys the service needs; share repeated parts through $defs',
    });
    return out;
  }
  out.push(...checkKeywordMembers(document.schema), ...analyseSchemaReferences(document.schema).violations);
  return out;
}

/** A violation for each applicator keyword with more than {@link MAX_SCHEMA_KEYWORD_MEMBERS} members. */
function checkKeywordMembers(schema: JsonObject): Violation[] {
  const out: Violation[] = [];
  walkSchema(schema, (node, pointer) => {
    const counts = new Map<string, number>();
    for (const [, at] of appliedSubschemas(node)) {
      const keyword = at.split('/')[1] as string;
      counts.set(keyword, (counts.get(keyword) ?? 0) + 1);
    }
    for (const [keyword, count] of counts) {
      if (count <= MAX_SCHEMA_KEYWORD_MEMBERS) continue;
      out.push({
        pointer: `/schema${pointer}/${keyword}`,
        rule: 'schema.too-wide',
        value: count,
        message: `${keyword} has ${count} members, over ${MAX_SCHEMA_KEYWORD_MEMBERS}`,
        hint: 'Group the members into nested objects (or several allOf branches) of at most that many each',
      });
    }
  });
  return out;
}

/**
 * Every `pattern` and `patternProperties` key of a JSON Schema that RE2
 * cannot run, and the first one over {@link MAX_SCHEMA_PATTERNS}, pointed
 * at under `/schema`.
 *
 * @example checkSchemaPatterns({ pattern: '(a)\\1' })[0]?.rule // 'schema.pattern-unsupported'
 */
export function checkSchemaPatterns(schema: JsonObject): Violation[] {
  const out: Violation[] = [];
  let count = 0;
  walkSchema(schema, (node, pointer) => {
    const patterns: [string, string][] = [];
    if (typeof node.pattern === 'string') patterns.push([`${pointer}/pattern`, node.pattern]);
    if (isJsonObject(node.patternProperties)) {
      for (const key of Object.keys(node.patternProperties))
        patterns.push([`${pointer}/patternProperties/${escapePointerToken(key)}`, key]);
    }
    for (const [at, source] of patterns) {
      if (++count === MAX_SCHEMA_PATTERNS + 1) {
        out.push({
          pointer: `/schema${at}`,
          rule: 'schema.too-many-patterns',
          message: `a JSON Schema has at most ${MAX_SCHEMA_PATTERNS} patterns (pattern and patternProperties keys); this is one more`,
          hint: 'Merge patterns into one alternation, or describe the keys with properties',
        });
      }
      const problem = linearRegExpProblem(source, 'ecma');
      if (problem !== undefined) {
        out.push({
          pointer: `/schema${at}`,
          rule: 'schema.pattern-unsupported',
          value: source,
          message: `the pattern cannot run in linear time: ${problem}`,
          hint: LINEAR_REGEXP_HINT,
        });
      }
    }
  });
  return out;
}

/**
 * Nesting depth of objects and arrays, counted without recursion (so any
 * depth is safe to measure); stops counting past {@link MAX_SCHEMA_DEPTH}.
 */
function nestingDepth(value: JsonValue): number {
  let deepest = 0;
  const stack: [JsonValue, number][] = [[value, 0]];
  while (stack.length > 0) {
    const [node, depth] = stack.pop() as [JsonValue, number];
    if (node === null || typeof node !== 'object') continue;
    if (depth + 1 > deepest) deepest = depth + 1;
    if (deepest > MAX_SCHEMA_DEPTH) return deepest;
    for (const child of Array.isArray(node) ? node : Object.values(node)) stack.push([child, depth + 1]);
  }
  return deepest;
}
