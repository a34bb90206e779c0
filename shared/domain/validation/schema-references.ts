import type { Violation } from '../errors.ts';
import { escapePointerToken, isJsonObject, type JsonObject, type JsonValue } from '../json-value.ts';
import { valueAt } from '../layers/json-pointer.ts';
import { appliedSubschemas, walkSchema } from './walk-schema.ts';

/**
 * Most subschema evaluations one pass over a JSON Schema may make, every
 * `$ref` expanded in place (its unfolded size). Without `$ref` it is the
 * number of subschemas; `$defs` reused through `$ref` count once per use,
 * so `k` levels of `$defs` that each use the next twice count `2^k`.
 * Validating a value costs at most this many subschema checks per JSON
 * value of the document.
 */
export const MAX_SCHEMA_UNFOLDED_SIZE = 4096;

/** The keywords of dynamic references, refused: what they resolve to depends on the path taken. */
const DYNAMIC_KEYWORDS = ['$dynamicRef', '$dynamicAnchor', '$recursiveRef', '$recursiveAnchor'];

const LOCAL_REF_HINT =
  "A $ref may point only inside the same schema document: '#', '#/$defs/name' or '#anchor' (copy what it refers to into $defs)";

/** What {@link analyseSchemaReferences} finds. */
export interface SchemaReferenceAnalysis {
  /** Pointers under `/schema`. */
  violations: Violation[];
  /**
   * Subschema evaluations of one pass from the root, `$ref`s expanded (at
   * most `Number.MAX_SAFE_INTEGER`); meaningless when a `$ref` is recursive.
   */
  unfoldedSize: number;
  /**
   * The most subschema checks one JSON value of a document at each depth
   * receives (index 0: the document itself), up to {@link MAX_CHECKED_DEPTH};
   * empty when a `$ref` is recursive. See {@link checksByDepth}.
   */
  checksByDepth: number[];
  /** The subschema a local `$ref` names (as {@link localRefResolver}), from the anchors located for this analysis. */
  resolveRef: (ref: string) => JsonObject | boolean | undefined;
}

/**
 * Checks the references of a JSON Schema so that validating against it
 * costs a bounded number of subschema checks per value, whatever the
 * document: every `$ref` is local (`#`, a JSON pointer `#/...`, or an
 * `#anchor` named by `$anchor`) and resolves; no dynamic reference
 * (`$dynamicRef`, `$recursiveRef` and their anchors) and no `$id` below the
 * root (which would change what `#` means); no cycle through `$ref` (a
 * recursive schema makes validation exponential in the document's depth
 * with `anyOf`); and an unfolded size of at most
 * {@link MAX_SCHEMA_UNFOLDED_SIZE}. Time and memory are linear in the
 * schema: each subschema and each `$ref` is followed once (sizes are
 * memoised, the walk is iterative).
 *
 * Anchors and `$id`s are looked for in every object of the schema (data
 * such as `enum` included): a superset of where ajv registers them, so a
 * `$ref` never resolves here to another subschema than ajv's.
 *
 * @example analyseSchemaReferences({ anyOf: [{ properties: { a: { $ref: '#' } } }] }).violations[0]?.rule // 'schema.recursive-ref'
 */
export function analyseSchemaReferences(schema: JsonObject): SchemaReferenceAnalysis {
  const violations: Violation[] = [];
  const { located, anchors } = locateObjects(schema, violations);
  const resolve = (node: JsonObject, pointer: string): JsonObject | boolean | undefined => {
    const ref = node.$ref;
    if (typeof ref !== 'string') return undefined;
    const target = resolveLocal(schema, ref, anchors);
    if (typeof target !== 'string') return target;
    violations.push({
      pointer: `/schema${pointer}/$ref`,
      rule: 'schema.ref-unresolved',
      value: ref,
      message: `the $ref '${ref}' ${target}`,
      hint: LOCAL_REF_HINT,
    });
    return undefined;
  };
  const sizes = new UnfoldedSizes(located, resolve);
  const unfoldedSize = sizes.of(schema);
  // Why every subschema and not only the root: a recursive $defs entry is refused even while unused.
  walkSchema(schema, (node) => sizes.of(node));
  for (const [pointer, ref] of sizes.cycles) {
    violations.push({
      pointer: `/schema${pointer}/$ref`,
      rule: 'schema.recursive-ref',
      value: ref,
      message: `the $ref '${ref}' makes the schema recursive: it leads back to a subschema that holds it`,
      hint: 'Describe the nesting to a fixed depth instead (one $defs entry per level); Kubernetes CRD schemas allow no $ref at all',
    });
  }
  if (sizes.cycles.size === 0 && unfoldedSize > MAX_SCHEMA_UNFOLDED_SIZE) {
    violations.push({
      pointer: '/schema',
      rule: 'schema.too-complex',
      value: unfoldedSize,
      message: `the JSON Schema makes ${unfoldedSize === Number.MAX_SAFE_INTEGER ? 'at least ' : ''}${unfoldedSize} subschema checks per pass with every $ref expanded, over ${MAX_SCHEMA_UNFOLDED_SIZE}`,
      hint: 'Reuse $defs less deeply: a $defs entry used n times counts n times, and so does everything it refers to',
    });
  }
  const acyclic = sizes.cycles.size === 0;
  const resolveRef = resolverOver(schema, anchors);
  const target = (node: JsonObject) => (typeof node.$ref === 'string' ? resolveRef(node.$ref) : undefined);
  return {
    violations,
    unfoldedSize,
    checksByDepth: acyclic ? checksByDepth(schema, target) : [],
    resolveRef,
  };
}

/**
 * Resolves the local `$ref`s of `schema` as {@link analyseSchemaReferences}
 * does (JSON pointers and `$anchor`s, anchors located once): the subschema
 * a `$ref` names, or `undefined` when it names none.
 *
 * @example localRefResolver({ $defs: { a: { $anchor: 'A', type: 'string' } } })('#A') // { $anchor: 'A', type: 'string' }
 */
export function localRefResolver(schema: JsonObject): (ref: string) => JsonObject | boolean | undefined {
  return resolverOver(schema, locateObjects(schema, []).anchors);
}

/** The resolver of `schema`'s local `$ref`s over anchors already located: `undefined` for a `$ref` naming nothing. */
function resolverOver(
  schema: JsonObject,
  anchors: Map<string, JsonObject[]>,
): (ref: string) => JsonObject | boolean | undefined {
  return (ref) => {
    const target = resolveLocal(schema, ref, anchors);
    return typeof target === 'string' ? undefined : target;
  };
}

/**
 * Every object of the schema with its pointer, and the objects each
 * `$anchor` names; pushes a violation for each dynamic-reference keyword
 * and each `$id` below the root. Iterative, in document order.
 */
function locateObjects(
  schema: JsonObject,
  violations: Violation[],
): { located: Map<JsonObject, string>; anchors: Map<string, JsonObject[]> } {
  const located = new Map<JsonObject, string>();
  const anchors = new Map<string, JsonObject[]>();
  const stack: [JsonValue, string][] = [[schema, '']];
  while (stack.length > 0) {
    const [value, pointer] = stack.pop() as [JsonValue, string];
    const entries: [string, JsonValue][] = Array.isArray(value)
      ? value.map((item, i) => [String(i), item])
      : isJsonObject(value)
        ? Object.entries(value)
        : [];
    if (isJsonObject(value)) {
      located.set(value, pointer);
      checkObjectKeywords(value, pointer, violations);
      if (typeof value.$anchor === 'string')
        anchors.set(value.$anchor, [...(anchors.get(value.$anchor) ?? []), value]);
    }
    for (let i = entries.length - 1; i >= 0; i--) {
      const [key, child] = entries[i] as [string, JsonValue];
      if (child !== null && typeof child === 'object')
        stack.push([child, `${pointer}/${escapePointerToken(key)}`]);
    }
  }
  return { located, anchors };
}

/** Pushes a violation for a dynamic-reference keyword of `node` and for its `$id` below the root. */
function checkObjectKeywords(node: JsonObject, pointer: string, violations: Violation[]): void {
  for (const key of DYNAMIC_KEYWORDS) {
    const value = node[key];
    // Why not objects: a property named `$dynamicRef` maps to a subschema, which is no keyword.
    if (value === undefined || (value !== null && typeof value === 'object')) continue;
    violations.push({
      pointer: `/schema${pointer}/${key}`,
      rule: 'schema.ref-dynamic',
      value,
      message: `${key} is not supported: a dynamic reference resolves along the path validation takes`,
      hint: "Use a plain $ref to '#/$defs/name'",
    });
  }
  if (pointer !== '' && typeof node.$id === 'string') {
    violations.push({
      pointer: `/schema${pointer}/$id`,
      rule: 'schema.id-nested',
      value: node.$id,
      message:
        'only the root of a JSON Schema may have an $id: one below it changes what its $refs resolve to',
      hint: 'Remove this $id; refer to the subschema with a $ref to its JSON pointer or an $anchor',
    });
  }
}

/**
 * The subschema a local `$ref` names, or why it names none: a JSON pointer
 * from the root (`#`, `#/$defs/a%20b`, `#/$defs/a~1b`), or an anchor
 * (`#name`) declared once.
 */
function resolveLocal(
  schema: JsonObject,
  ref: string,
  anchors: Map<string, JsonObject[]>,
): JsonObject | boolean | string {
  if (!ref.startsWith('#')) return 'does not point inside this schema';
  let fragment: string;
  try {
    fragment = decodeURIComponent(ref.slice(1));
  } catch {
    return 'is not a valid URI fragment';
  }
  if (fragment === '' || fragment.startsWith('/')) {
    const target = valueAt(schema, fragment);
    if (target === undefined) return 'resolves nowhere in this schema';
    return typeof target === 'boolean' || isJsonObject(target) ? target : 'does not point at a subschema';
  }
  const named = anchors.get(fragment) ?? [];
  if (named.length > 1)
    return `names ${named.length} subschemas ($anchor '${fragment}' is declared more than once)`;
  return named[0] ?? `names no $anchor of this schema`;
}

/**
 * The deepest JSON value counted by {@link checksByDepth}: a request body
 * nests at most `MAX_JSON_DEPTH` (64) deep, so deeper subschemas never apply.
 */
export const MAX_CHECKED_DEPTH = 64;

/** Keywords whose one member that applies to a key or an item is chosen by its name or index. */
const CHOSEN_MEMBER = new Set([
  'properties',
  'additionalProperties',
  'prefixItems',
  'items',
  'additionalItems',
]);
/** Keywords whose every member may apply to each key or item (a pattern is tested on each key). */
const EVERY_MEMBER = new Set([
  'patternProperties',
  'propertyNames',
  'unevaluatedProperties',
  'contains',
  'unevaluatedItems',
]);

/**
 * The most subschema checks one JSON value at each depth below `schema`
 * receives (index 0: the value `schema` applies to), `$ref`s expanded: a
 * subschema counts once, at the depth of the values it applies to. Members
 * that stay on the value (`allOf`, `anyOf`, `oneOf`, `not`, `if`, `then`,
 * `else`, `dependentSchemas`, `$ref`) add their counts at the same depth,
 * every one of them (ajv evaluates every `anyOf` branch to track evaluated
 * properties); members that descend add theirs one level down: the largest
 * of those chosen by name or index (`properties`, `additionalProperties`,
 * `prefixItems`, `items`), since one key or item gets one of them, plus
 * every `patternProperties`, `propertyNames`, `contains` and
 * `unevaluated*` member; and each name of `properties` counts one check
 * on the object itself (ajv looks every name up: 8,000 objects under
 * 1,000 names took 90 ms), as do `required`, `dependentRequired`, `enum`,
 * `minProperties` and `maxProperties` ({@link keywordChecks}). So a value
 * at depth `d` costs at most `[d]` checks, and a document at most the sum
 * over its values. Memoised per
 * subschema and iterative: time linear in the schema times
 * {@link MAX_CHECKED_DEPTH}. `schema` must be acyclic through `$ref`.
 */
function checksByDepth(
  schema: JsonObject,
  target: (node: JsonObject) => JsonObject | boolean | undefined,
): number[] {
  const done = new Map<JsonObject, number[]>();
  const members = (node: JsonObject): [JsonObject | boolean, string][] => {
    const out = appliedSubschemas(node).map(([sub, at]): [JsonObject | boolean, string] => [
      sub,
      at.split('/')[1] ?? '',
    ]);
    const ref = target(node);
    if (ref !== undefined) out.push([ref, '$ref']);
    return out;
  };
  const stack: [JsonObject, boolean][] = [[schema, false]];
  while (stack.length > 0) {
    const [node, expanded] = stack.pop() as [JsonObject, boolean];
    if (done.has(node)) continue;
    if (!expanded) {
      stack.push([node, true]);
      for (const [sub] of members(node))
        if (typeof sub !== 'boolean' && !done.has(sub)) stack.push([sub, false]);
      continue;
    }
    const here = [1];
    const [own, perKey] = keywordChecks(node);
    here[0] = add(here[0] as number, own);
    const chosen: number[] = [];
    // Why with every member: a key costs its min/maxProperties count whichever member it gets.
    const every: number[] = perKey > 0 ? [perKey] : [];
    for (const [sub, keyword] of members(node)) {
      const counts = typeof sub === 'boolean' ? [1] : (done.get(sub) as number[]);
      // Why: ajv looks each name of `properties` up in every object it checks, present or not.
      if (keyword === 'properties') here[0] = add(here[0] as number, 1);
      if (CHOSEN_MEMBER.has(keyword))
        for (const [d, n] of counts.entries()) chosen[d] = Math.max(chosen[d] ?? 0, n);
      else addCounts(EVERY_MEMBER.has(keyword) ? every : here, counts, 0);
    }
    addCounts(here, chosen, 1);
    addCounts(here, every, 1);
    done.set(node, here);
  }
  return done.get(schema) as number[];
}

/** Members of `enum` that count as one more check (ajv compares the value with each in turn). */
const ENUM_MEMBERS_PER_CHECK = 16;

/**
 * The checks `node`'s own keywords make beyond its one: on the value it
 * applies to, a lookup per name of `required` and of every
 * `dependentRequired` list (each missing name is an error: 2,000 names
 * under `additionalProperties` made 5,000 empty objects list 10 million
 * errors in 21 s and 3.4 GB) and one per {@link ENUM_MEMBERS_PER_CHECK}
 * members of `enum`; and, for each of its keys, one for each of
 * `minProperties` and `maxProperties` (ajv counts the keys of the object
 * at every evaluation).
 */
function keywordChecks(node: JsonObject): [own: number, perKey: number] {
  const length = (value: JsonValue | undefined): number => (Array.isArray(value) ? value.length : 0);
  let own = length(node.required) + Math.floor(length(node.enum) / ENUM_MEMBERS_PER_CHECK);
  if (isJsonObject(node.dependentRequired))
    for (const names of Object.values(node.dependentRequired)) own += length(names);
  const perKey = (node.minProperties !== undefined ? 1 : 0) + (node.maxProperties !== undefined ? 1 : 0);
  return [own, perKey];
}

/** Adds `counts` into `into`, `shift` levels deeper, up to {@link MAX_CHECKED_DEPTH}. */
function addCounts(into: number[], counts: readonly number[], shift: number): void {
  for (let d = 0; d < counts.length && d + shift <= MAX_CHECKED_DEPTH; d++)
    into[d + shift] = add(into[d + shift] ?? 0, counts[d] ?? 0);
}

/** A value at or above `Number.MAX_SAFE_INTEGER` stays there (unfolded sizes grow exponentially). */
const add = (a: number, b: number): number => Math.min(a + b, Number.MAX_SAFE_INTEGER);

/** A `$ref`: the pointer of the subschema that holds it, and its value. */
type RefEdge = [pointer: string, ref: string];

/** One subschema being sized: its edges (applied subschemas, then its `$ref` target) and the sum so far. */
interface Frame {
  node: JsonObject;
  edges: [JsonObject | boolean, RefEdge | undefined][];
  next: number;
  sum: number;
  /** The innermost `$ref` on the path from the first subschema sized to this one. */
  lastRef: RefEdge | undefined;
}

/**
 * Unfolded sizes of subschemas, memoised, computed by an iterative
 * depth-first walk over applied subschemas and `$ref` edges; records each
 * `$ref` that closes a cycle instead of following it.
 */
class UnfoldedSizes {
  /** `$ref` values that close a cycle, by the pointer of the subschema holding them. */
  readonly cycles = new Map<string, string>();
  private readonly done = new Map<JsonObject, number>();
  private readonly open = new Set<JsonObject>();
  private readonly located: Map<JsonObject, string>;
  private readonly resolve: (node: JsonObject, pointer: string) => JsonObject | boolean | undefined;

  constructor(
    located: Map<JsonObject, string>,
    resolve: (node: JsonObject, pointer: string) => JsonObject | boolean | undefined,
  ) {
    this.located = located;
    this.resolve = resolve;
  }

  /** The unfolded size of `root` (a subschema of the schema). */
  of(root: JsonObject): number {
    const known = this.done.get(root);
    if (known !== undefined) return known;
    const frames: Frame[] = [this.frame(root, undefined)];
    let size = 0;
    while (frames.length > 0) {
      const top = frames[frames.length - 1] as Frame;
      const edge = top.edges[top.next++];
      if (edge === undefined) {
        frames.pop();
        this.open.delete(top.node);
        this.done.set(top.node, top.sum);
        const parent = frames[frames.length - 1];
        if (parent) parent.sum = add(parent.sum, top.sum);
        else size = top.sum;
        continue;
      }
      const [to, viaRef] = edge;
      if (typeof to === 'boolean') {
        top.sum = add(top.sum, 1);
        continue;
      }
      const sized = this.done.get(to);
      if (sized !== undefined) top.sum = add(top.sum, sized);
      else if (this.open.has(to)) {
        // A cycle holds at least one $ref (members alone form a tree): the innermost on the path is in it.
        const [pointer, ref] = viaRef ?? top.lastRef ?? ['', ''];
        this.cycles.set(pointer, ref);
      } else frames.push(this.frame(to, viaRef ?? top.lastRef));
    }
    return size;
  }

  private frame(node: JsonObject, lastRef: RefEdge | undefined): Frame {
    this.open.add(node);
    const pointer = this.located.get(node) ?? '';
    const edges: Frame['edges'] = appliedSubschemas(node).map(([sub]) => [sub, undefined]);
    const target = this.resolve(node, pointer);
    if (target !== undefined) edges.push([target, [pointer, node.$ref as string]]);
    return { node, edges, next: 0, sum: 1, lastRef };
  }
}
