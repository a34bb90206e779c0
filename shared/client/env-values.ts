import { coerceText } from './coerce-text.ts';
import { envName } from './env-name.ts';
import type { SchemaShape } from './schema-shape.ts';
import { setPath } from './set-path.ts';
import type { LeafOrigin, SourceReading } from './settings-source.ts';

/** How variable names map onto the schema. */
export interface EnvNaming {
  /** Only variables starting with it are read (`APP_`); none when empty. */
  prefix: string;
  /** Separates nesting levels (`__`: `APP_DB__HOST` -> `db.host`). */
  delimiter: string;
}

/**
 * Turns environment-style variables (the process environment, a dotenv
 * file) into a nested, typed partial settings object by walking the schema
 * shape: each variable name is split on the delimiter and matched, level by
 * level, against the schema's keys in `UPPER_SNAKE` form; the text is then
 * coerced to the leaf's type. Names under the prefix that match no key are
 * kept under their lower-cased path, so the `extra` rule can report them.
 *
 * @example envValues({ APP_DB__PORT: '5432' }, shape, { prefix: 'APP_', delimiter: '__' }, (n) => `env ${n}`).values // { db: { port: 5432 } }
 */
export function envValues(
  vars: Readonly<Record<string, string | undefined>>,
  shape: SchemaShape,
  naming: EnvNaming,
  detail: (name: string) => string,
): SourceReading {
  const values: Record<string, unknown> = {};
  const origins: Record<string, LeafOrigin> = {};
  const prefix = naming.prefix.toUpperCase();
  for (const [name, text] of Object.entries(vars)) {
    if (text === undefined || !name.toUpperCase().startsWith(prefix)) continue;
    const resolved = resolve(name.slice(prefix.length).split(naming.delimiter), shape);
    if (!resolved) continue;
    if (setPath(values, resolved.segments, coerceText(text, resolved.shape))) {
      origins[resolved.segments.join('.')] = { detail: detail(name) };
    }
  }
  return { values, origins };
}

function resolve(
  parts: readonly string[],
  root: SchemaShape,
): { segments: string[]; shape: SchemaShape | undefined } | undefined {
  if (parts.length === 0 || parts.some((part) => part === '')) return undefined;
  const segments: string[] = [];
  let shape: SchemaShape | undefined = root;
  for (const part of parts) {
    const upper = part.toUpperCase();
    if (shape?.kind === 'object') {
      const key: string | undefined = Object.keys(shape.entries ?? {}).find((k) => envName(k) === upper);
      segments.push(key ?? part.toLowerCase());
      shape = key === undefined ? undefined : shape.entries?.[key];
    } else if (shape?.kind === 'record') {
      segments.push(part.toLowerCase());
      shape = shape.item;
    } else {
      segments.push(part.toLowerCase());
      shape = undefined;
    }
  }
  return { segments, shape };
}
