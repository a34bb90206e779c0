import type { Violation } from '../errors.ts';
import { escapePointerToken, isJsonObject, type JsonObject, type JsonValue } from '../json-value.ts';
import { compileLinearRegExp, type LinearRegExp } from './linear-regexp.ts';
import { localRefResolver } from './schema-references.ts';

type SchemaNode = JsonValue;
/** The subschema a local `$ref` names (`undefined`: none), as ajv resolves it. */
type RefResolver = (ref: string) => JsonObject | boolean | undefined;

/**
 * Lists keys of `document` that the JSON Schema does not describe: keys of
 * an object whose schema lists `properties` or `patternProperties` but
 * neither names nor matches them, where `additionalProperties` is absent.
 * (With `additionalProperties: false` ajv already reports them as errors;
 * with `true` or a schema they are allowed; objects whose schema describes
 * no keys at all are free-form.) Follows `allOf`/`anyOf`/`oneOf`,
 * `if`/`then`/`else`, local `$ref`s (JSON pointers and `$anchor`s,
 * through `resolveRef`: pass one made once per schema by
 * `localRefResolver`), `items` and `prefixItems`.
 *
 * @example findUnknownKeys({ properties: { a: {} } }, { a: 1, b: 2 })[0]?.pointer // '/b'
 */
export function findUnknownKeys(
  schema: JsonObject,
  document: JsonObject,
  resolveRef: RefResolver = localRefResolver(schema),
): Violation[] {
  const out: Violation[] = [];
  const shapes = new Shapes(resolveRef);
  const walk = (shape: Shape, value: JsonValue, path: string): void => {
    if (isJsonObject(value)) {
      for (const [key, child] of Object.entries(value)) {
        const pointer = `${path}/${escapePointerToken(key)}`;
        let childShape: Shape | null | undefined = shapes.ofKey(shape, key);
        if (childShape === undefined) {
          if (shape.described && !shape.open && !shape.closed) {
            out.push({
              pointer,
              rule: 'schema.unknown-key',
              value: child,
              message: `key '${key}' is not described by the service's schema`,
              hint: 'Remove it, fix its spelling, or add it to the schema',
            });
            continue;
          }
          childShape = shapes.additional(shape);
        }
        if (childShape) walk(childShape, child, pointer);
      }
    } else if (Array.isArray(value)) {
      value.forEach((child, i) => {
        const childShape = shapes.ofItem(shape, i);
        if (childShape) walk(childShape, child, `${path}/${i}`);
      });
    }
  };
  walk(shapes.of([schema]), document, '');
  return out;
}

/**
 * What the schemas that apply at one place say about its members, computed
 * once per distinct set of schemas: so checking many values against the
 * same wide schema (thousands of keys under an `anyOf` of hundreds of
 * branches) costs a lookup per key, not a pass over every branch.
 */
interface Shape {
  /** The schemas that apply, with their combinators and local `$ref`s. */
  all: JsonObject[];
  /** Some schema lists `properties` or `patternProperties`. */
  described: boolean;
  /** Some schema allows other keys (`additionalProperties` other than `false`). */
  open: boolean;
  /** Some schema has `additionalProperties: false` (ajv reports those keys). */
  closed: boolean;
  /** Each property name with the schemas naming it, by position in `all`. */
  named: Map<string, [number, SchemaNode][]>;
  /** Each `patternProperties` key with its schema, by position in `all`. */
  patterns: [number, string, SchemaNode][];
  /** The shape of each key seen (`undefined`: no schema names or matches it). */
  byKey: Map<string, Shape | undefined>;
  /** The shape of keys no schema names (`null`: none allows them), computed on first need. */
  additional?: Shape | null;
  /** The longest `prefixItems`, and the shape of each array index up to it (`null`: no schema). */
  longestPrefix: number;
  byIndex: Map<number, Shape | null>;
}

/** Shapes memoised by the identities of the schemas they come from, for one document. */
class Shapes {
  private readonly resolveRef: RefResolver;
  private readonly ids = new Map<JsonObject, number>();
  private readonly cache = new Map<string, Shape>();
  /** Each `patternProperties` key compiled once (`null`: RE2 refuses it, so it matches nothing). */
  private readonly patterns = new Map<string, LinearRegExp | null>();

  constructor(resolveRef: RefResolver) {
    this.resolveRef = resolveRef;
  }

  /** The shape of the place where `schemas` apply. */
  of(schemas: SchemaNode[]): Shape {
    const key = schemas
      .filter(isJsonObject)
      .map((s) => {
        const id = this.ids.get(s) ?? this.ids.size;
        this.ids.set(s, id);
        return id;
      })
      .join(',');
    const hit = this.cache.get(key);
    if (hit) return hit;
    const shape = newShape(expand(this.resolveRef, schemas));
    this.cache.set(key, shape);
    return shape;
  }

  /** The shape of member `key`: the schemas naming or matching it, in the order of `all`; `undefined` if none. */
  ofKey(shape: Shape, key: string): Shape | undefined {
    if (shape.byKey.has(key)) return shape.byKey.get(key);
    const found = [...(shape.named.get(key) ?? [])];
    for (const [at, pattern, sub] of shape.patterns) if (this.test(pattern, key)) found.push([at, sub]);
    // Stable: a schema's own property stays before its patterns, as ajv applies them.
    found.sort((a, b) => a[0] - b[0]);
    const out = found.length > 0 ? this.of(found.map(([, sub]) => sub)) : undefined;
    shape.byKey.set(key, out);
    return out;
  }

  /**
   * Tests a tenant's `patternProperties` key on RE2 (linear time), as ajv
   * does, compiling it on first use only: a recompile per key made 32
   * patterns over 20,000 keys take 18.9 s.
   */
  private test(pattern: string, key: string): boolean {
    let compiled = this.patterns.get(pattern);
    if (compiled === undefined) {
      try {
        compiled = compileLinearRegExp(pattern, 'ecma');
      } catch {
        compiled = null;
      }
      this.patterns.set(pattern, compiled);
    }
    return compiled?.test(key) ?? false;
  }

  /** The shape of keys no schema names: the `additionalProperties` that allow them; `null` if none. */
  additional(shape: Shape): Shape | null {
    if (shape.additional === undefined) {
      const subs = shape.all
        .map((s) => s.additionalProperties)
        .filter((sub): sub is JsonValue => sub !== undefined && sub !== false);
      shape.additional = subs.length > 0 ? this.of(subs) : null;
    }
    return shape.additional;
  }

  /** The shape of array index `i`: each schema's `prefixItems[i]`, else its `items`; `null` if none. */
  ofItem(shape: Shape, i: number): Shape | null {
    // Why one shape past the longest prefixItems: every schema applies its items there.
    const at = Math.min(i, shape.longestPrefix);
    let out = shape.byIndex.get(at);
    if (out === undefined) {
      const subs: SchemaNode[] = [];
      for (const s of shape.all) {
        const prefix = Array.isArray(s.prefixItems) ? s.prefixItems : [];
        if (at < prefix.length) subs.push(prefix[at] as SchemaNode);
        else if (s.items !== undefined) subs.push(s.items);
      }
      out = subs.length > 0 ? this.of(subs) : null;
      shape.byIndex.set(at, out);
    }
    return out;
  }
}

/** Indexes what `all` says about members. */
function newShape(all: JsonObject[]): Shape {
  const named = new Map<string, [number, SchemaNode][]>();
  const patterns: [number, string, SchemaNode][] = [];
  all.forEach((s, at) => {
    if (isJsonObject(s.properties))
      for (const [name, sub] of Object.entries(s.properties))
        named.set(name, [...(named.get(name) ?? []), [at, sub]]);
    if (isJsonObject(s.patternProperties))
      for (const [pattern, sub] of Object.entries(s.patternProperties)) patterns.push([at, pattern, sub]);
  });
  return {
    all,
    described: all.some((s) => isJsonObject(s.properties) || isJsonObject(s.patternProperties)),
    open: all.some((s) => s.additionalProperties !== undefined && s.additionalProperties !== false),
    closed: all.some((s) => s.additionalProperties === false),
    named,
    patterns,
    byKey: new Map(),
    longestPrefix: Math.max(0, ...all.map((s) => (Array.isArray(s.prefixItems) ? s.prefixItems.length : 0))),
    byIndex: new Map(),
  };
}

/** The schema objects that apply at one place: the given ones plus their combinators and local $refs. */
function expand(resolveRef: RefResolver, schemas: SchemaNode[]): JsonObject[] {
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
      visit(resolveRef(node.$ref) ?? {}, depth + 1);
  };
  for (const s of schemas) visit(s, 0);
  return out;
}
