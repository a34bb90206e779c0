import type { SchemaShape } from './schema-shape.ts';

/** One key of the schema, nested or not. */
export interface ShapePath {
  segments: string[];
  shape: SchemaShape;
}

/**
 * Every key the schema declares, objects and leaves, depth first (records
 * and arrays are leaves: their keys are not declared).
 *
 * @example shapePaths(schemaShape(v.object({ db: v.object({ host: v.string() }) }))).map((p) => p.segments.join('.')) // ['db', 'db.host']
 */
export function shapePaths(shape: SchemaShape, prefix: string[] = []): ShapePath[] {
  if (shape.kind !== 'object') return [];
  return Object.entries(shape.entries ?? {}).flatMap(([key, child]) => {
    const segments = [...prefix, key];
    return [{ segments, shape: child }, ...shapePaths(child, segments)];
  });
}
