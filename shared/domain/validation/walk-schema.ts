import { escapePointerToken, isJsonObject, type JsonObject, type JsonValue } from '../json-value.ts';

/** The members of a JSON Schema that hold one subschema applied to the value (or a part of it). */
const APPLIED_MEMBERS = [
  'items',
  'additionalItems',
  'additionalProperties',
  'unevaluatedItems',
  'unevaluatedProperties',
  'propertyNames',
  'contains',
  'contentSchema',
  'not',
  'if',
  'then',
  'else',
];
/** The members that hold a list of applied subschemas. */
const APPLIED_LISTS = ['allOf', 'anyOf', 'oneOf', 'prefixItems', 'items'];
/** The members that map names to applied subschemas (`dependencies` is ajv's draft-7 `dependentSchemas`). */
const APPLIED_MAPS = ['properties', 'patternProperties', 'dependentSchemas', 'dependencies'];
/** The members that map names to subschemas applied only through a `$ref`. */
const DEFINITION_MAPS = ['$defs', 'definitions'];

/**
 * The subschemas of `node` that validation may apply, each with its
 * pointer relative to `node`: every applicator keyword ajv's 2020-12
 * dialect knows (and a few it ignores, which only over-counts), not
 * `$ref` (a reference, not a member), not `$defs` (applied only through a
 * `$ref`), not data (`enum`, `const`, `default`, `examples`). Members
 * that are not subschemas (a string under `not`, an array of names under
 * `dependencies`) are left out.
 *
 * @example appliedSubschemas({ properties: { a: {} }, not: true }).map(([, at]) => at) // ['/not', '/properties/a']
 */
export function appliedSubschemas(node: JsonObject): [JsonObject | boolean, string][] {
  const out: [JsonObject | boolean, string][] = [];
  const add = (sub: JsonValue | undefined, at: string) => {
    if (typeof sub === 'boolean' || isJsonObject(sub)) out.push([sub, at]);
  };
  for (const key of APPLIED_MEMBERS) add(node[key], `/${key}`);
  for (const key of APPLIED_LISTS) {
    const list = node[key];
    if (Array.isArray(list)) for (const [i, sub] of list.entries()) add(sub, `/${key}/${i}`);
  }
  for (const key of APPLIED_MAPS) addMap(node[key], `/${key}`, add);
  return out;
}

/**
 * Calls `visit` on every subschema of a JSON Schema that is an object, with
 * its JSON pointer (relative to the schema), in document order: the
 * applied ones ({@link appliedSubschemas}) and those under `$defs` and
 * `definitions`, not data (`enum`, `const`, `default` or `examples`).
 * Iterative, so any depth is safe to walk.
 *
 * @example walkSchema({ properties: { a: { pattern: 'x' } } }, (node, at) => console.log(at)) // '', '/properties/a'
 */
export function walkSchema(schema: JsonValue, visit: (node: JsonObject, pointer: string) => void): void {
  const stack: [JsonValue, string][] = [[schema, '']];
  while (stack.length > 0) {
    const [node, pointer] = stack.pop() as [JsonValue, string];
    if (!isJsonObject(node)) continue;
    visit(node, pointer);
    const children: [JsonValue, string][] = appliedSubschemas(node);
    for (const key of DEFINITION_MAPS) addMap(node[key], `/${key}`, (sub, at) => children.push([sub, at]));
    for (let i = children.length - 1; i >= 0; i--) {
      const [sub, at] = children[i] as [JsonValue, string];
      stack.push([sub, `${pointer}${at}`]);
    }
  }
}

/** Calls `add` on each member of `map` (when it is an object) with its pointer under `at`. */
function addMap(map: JsonValue | undefined, at: string, add: (sub: JsonValue, at: string) => void): void {
  if (!isJsonObject(map)) return;
  for (const [name, sub] of Object.entries(map)) add(sub, `${at}/${escapePointerToken(name)}`);
}
