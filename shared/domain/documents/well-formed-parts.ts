import type * as v from 'valibot';

/** Any valibot schema (read through its Standard Schema interface: nothing of valibot loads here). */
type AnySchema = v.GenericSchema<unknown, unknown>;

/**
 * The parts of `value` that its schema accepts, for checks that run after
 * the schema (bounds order, quantities, cross-field rules) on a request the
 * schema refused: the parsed value when it is valid as a whole; otherwise,
 * for an object schema and a plain object, an object of the entries that
 * are well-formed (each entry looked at the same way, its default when
 * absent); for an array schema and an array, each item looked at the same
 * way (`undefined` where nothing of it is well-formed); else `undefined`.
 * A value of the wrong type is never passed on. Keys come from the schema,
 * never from the input.
 *
 * @example wellFormedParts(PolicyContentSchema, { colour: 1, resources: { cpu: { min: 4, max: 2 } } }) // { resources: { cpu: { min: 4, max: 2 } } }
 */
export function wellFormedParts(schema: AnySchema, value: unknown): unknown {
  const result = schema['~standard'].validate(value);
  if (result instanceof Promise) throw new TypeError('Content schemas must be synchronous');
  if (!result.issues) return result.value;
  const node = unwrapped(schema, value);
  if (node.entries && isPlainObject(value)) {
    const out: Record<string, unknown> = {};
    for (const [key, entry] of Object.entries(node.entries)) {
      const part = wellFormedParts(entry, Object.hasOwn(value, key) ? value[key] : undefined);
      if (part !== undefined) out[key] = part;
    }
    return out;
  }
  if (node.item && Array.isArray(value))
    return value.map((item) => wellFormedParts(node.item as AnySchema, item));
  return undefined;
}

type SchemaNode = AnySchema & { wrapped?: AnySchema; entries?: Record<string, AnySchema>; item?: AnySchema };

/** The schema an `optional`/`nullable` wrapper holds, when a value is given; else the schema itself. */
function unwrapped(schema: AnySchema, value: unknown): SchemaNode {
  let node = schema as SchemaNode;
  while (node.wrapped && value !== undefined && value !== null) node = node.wrapped as SchemaNode;
  return node;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
