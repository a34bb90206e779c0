import * as v from 'valibot';

/** What a value must become once read from text (argv, environment, dotenv, secrets directory). */
export type ShapeKind =
  | 'object'
  | 'record'
  | 'array'
  | 'string'
  | 'number'
  | 'bigint'
  | 'boolean'
  | 'date'
  | 'unknown';

/** The structure of a valibot schema, as the text sources need it to coerce and name values. */
export interface SchemaShape {
  kind: ShapeKind;
  /** Child shapes of an object, by key. */
  entries?: Readonly<Record<string, SchemaShape>>;
  /** The shape of array items or record values. */
  item?: SchemaShape;
  /** From `v.description(...)`, for `--help`. */
  description?: string;
  /** The schema's default (from `v.optional(schema, default)`), for `--help`. */
  default?: unknown;
  /** Whether the key may be absent. */
  optional: boolean;
  /** An object that keeps keys it does not declare (`v.looseObject`, `v.objectWithRest`). */
  open?: boolean;
}

type AnySchema = v.GenericSchema & {
  entries?: Record<string, AnySchema>;
  item?: AnySchema;
  value?: AnySchema;
  wrapped?: AnySchema;
  options?: unknown[];
  literal?: unknown;
};

const WRAPPERS = new Set([
  'optional',
  'exact_optional',
  'nullish',
  'nullable',
  'undefinedable',
  'non_optional',
]);
const OBJECTS = new Set(['object', 'strict_object', 'loose_object', 'object_with_rest']);
const SCALARS: Record<string, ShapeKind> = {
  string: 'string',
  number: 'number',
  bigint: 'bigint',
  boolean: 'boolean',
  date: 'date',
  picklist: 'string',
  enum: 'string',
};

/**
 * Reads the structure of a valibot schema (objects, records, arrays and
 * scalar types through optional/nullable wrappers and pipes), so that
 * sources that deliver text know what each key must become. Users declare
 * their settings once; nothing is annotated twice.
 *
 * @example schemaShape(v.object({ port: v.number() })).entries?.port?.kind // 'number'
 */
export function schemaShape(schema: v.GenericSchema): SchemaShape {
  let node = schema as AnySchema;
  let optional = false;
  let description = v.getDescription(node);
  let defaultValue: unknown;
  while (WRAPPERS.has(node.type) && node.wrapped) {
    if (node.type !== 'nullable' && node.type !== 'non_optional') optional = true;
    if (defaultValue === undefined) defaultValue = v.getDefault(node as never);
    node = node.wrapped;
    description ??= v.getDescription(node);
  }
  const base = {
    optional: optional || defaultValue !== undefined,
    ...(description === undefined ? {} : { description }),
    ...(defaultValue === undefined || typeof defaultValue === 'function' ? {} : { default: defaultValue }),
  };
  if (OBJECTS.has(node.type) && node.entries) {
    const entries: Record<string, SchemaShape> = {};
    for (const [key, child] of Object.entries(node.entries)) entries[key] = schemaShape(child);
    const open = node.type === 'loose_object' || node.type === 'object_with_rest';
    return { kind: 'object', entries, ...base, ...(open ? { open } : {}) };
  }
  if (node.type === 'record' && node.value) return { kind: 'record', item: schemaShape(node.value), ...base };
  if (node.type === 'array' && node.item) return { kind: 'array', item: schemaShape(node.item), ...base };
  if (node.type === 'literal') return { kind: literalKind(node.literal), ...base };
  if ((node.type === 'union' || node.type === 'variant') && Array.isArray(node.options)) {
    const kinds = new Set(node.options.map((option) => schemaShape(option as AnySchema).kind));
    return { kind: kinds.size === 1 ? ([...kinds][0] as ShapeKind) : 'unknown', ...base };
  }
  return { kind: SCALARS[node.type] ?? 'unknown', ...base };
}

function literalKind(literal: unknown): ShapeKind {
  if (typeof literal === 'number') return 'number';
  if (typeof literal === 'boolean') return 'boolean';
  if (typeof literal === 'bigint') return 'bigint';
  return 'string';
}
