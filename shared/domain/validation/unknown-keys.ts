import type { Violation } from '../errors.ts';
import {
  escapePointerToken,
  isJsonObject,
  type JsonObject,
  type JsonValue,
  ownValue,
} from '../json-value.ts';
import { pointerTokens } from '../layers/json-pointer.ts';
import { compileLinearRegExp } from './linear-regexp.ts';

type SchemaNode = JsonValue;

/**
 * Lists keys of `document` that the JSON Schema does not describe: keys of
 * an object whose schema lists `properties` or `patternProperties` but
 * neither names nor matches them, where `additionalProperties` is absent.
 * (With `additionalProperties: false` ajv already reports them as errors;
 * with `true` or a schema they are allowed; objects whose schema describes
 * no keys at all are free-form.) Follows `allOf`/`anyOf`/`oneOf`,
 * `if`/`then`/`else`, local `$ref`s, `items` and `prefixItems`.
 *
 * @example findUnknownKeys({ properties: { a: {} } }, { a: 1, b: 2 })[0]?.pointer // '/b'
 */
export function findUnknownKeys(schema: JsonObject, document: JsonObject): Violation[] {
  const out: Violation[] = [];
  const walk = (schemas: SchemaNode[], value: JsonValue, path: string): void => {
    const all = expand(schema, schemas);
    if (isJsonObject(value)) {
      const described = all.some((s) => isJsonObject(s.properties) || isJsonObject(s.patternProperties));
      const open = all.some((s) => s.additionalProperties !== undefined && s.additionalProperties !== false);
      for (const [key, child] of Object.entries(value)) {
        const childSchemas: SchemaNode[] = [];
        for (const s of all) {
          if (isJsonObject(s.properties) && Object.hasOwn(s.properties, key))
            childSchemas.push(s.properties[key] as SchemaNode);
          if (isJsonObject(s.patternProperties)) {
            for (const [pattern, sub] of Object.entries(s.patternProperties))
              if (safeTest(pattern, key)) childSchemas.push(sub);
          }
        }
        const pointer = `${path}/${escapePointerToken(key)}`;
        if (childSchemas.length === 0) {
          for (const s of all)
            if (s.additionalProperties !== undefined && s.additionalProperties !== false)
              childSchemas.push(s.additionalProperties);
          if (described && !open && !all.some((s) => s.additionalProperties === false)) {
            out.push({
              pointer,
              rule: 'schema.unknown-key',
              value: child,
              message: `key '${key}' is not described by the service's schema`,
              hint: 'Remove it, fix its spelling, or add it to the schema',
            });
            continue;
          }
        }
        if (childSchemas.length > 0) walk(childSchemas, child, pointer);
      }
    } else if (Array.isArray(value)) {
      value.forEach((child, i) => {
        const childSchemas: SchemaNode[] = [];
        for (const s of all) {
          const prefix = Array.isArray(s.prefixItems) ? s.prefixItems : [];
          if (i < prefix.length) childSchemas.push(prefix[i] as SchemaNode);
          else if (s.items !== undefined) childSchemas.push(s.items);
        }
        if (childSchemas.length > 0) walk(childSchemas, child, `${path}/${i}`);
      });
    }
  };
  walk([schema], document, '');
  return out;
}

/** The schema objects that apply at one place: the given ones plus their combinators and local $refs. */
function expand(root: JsonObject, schemas: SchemaNode[]): JsonObject[] {
  const out: JsonObject[] = [];
  const seen = new Set<JsonObject>();
  const visit = (node: SchemaNode, depth: number): void => {
    if (!isJsonObject(node) || seen.has(node) || depth > 32) return;
    seen.add(node);
    out.push(node);
    for (const key of ['allOf', 'anyOf', 'oneOf'] as const) {
      const list = node[key];
      if (Array.isArray(list)) for (const sub of list) visit(sub, depth + 1);
    }
    for (const key of ['then', 'else'] as const)
      if (node[key] !== undefined) visit(node[key] as SchemaNode, depth + 1);
    if (typeof node.$ref === 'string' && node.$ref.startsWith('#'))
      visit(resolveLocal(root, node.$ref), depth + 1);
  };
  for (const s of schemas) visit(s, 0);
  return out;
}

function resolveLocal(root: JsonObject, ref: string): SchemaNode {
  let node: JsonValue | undefined = root;
  for (const token of pointerTokens(decodeURIComponent(ref.slice(1)))) {
    node = isJsonObject(node) ? ownValue(node, token) : undefined;
  }
  return node ?? {};
}

/** Tests a tenant's `patternProperties` key on RE2 (linear time), as ajv does. */
function safeTest(pattern: string, key: string): boolean {
  try {
    return compileLinearRegExp(pattern, 'ecma').test(key);
  } catch {
    return false;
  }
}
