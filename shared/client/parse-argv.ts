import { coerceText } from './coerce-text.ts';
import { kebabCase } from './kebab-case.ts';
import type { SchemaShape } from './schema-shape.ts';
import { setPath } from './set-path.ts';
import type { LeafOrigin, SourceReading } from './settings-source.ts';
import { shapePaths } from './shape-paths.ts';

/** What the command line said: the settings it sets and whether `--help` was asked for. */
export interface ParsedArgv extends SourceReading {
  help: boolean;
}

interface Flag {
  segments: string[];
  shape: SchemaShape | undefined;
}

/**
 * Parses command-line arguments against the schema: `--db.host=x`,
 * `--db-host x`, `--pool-size 5` (camelCase keys in kebab case), `--flag`
 * and `--no-flag` for booleans, repeated flags for arrays (or one comma
 * list or JSON array), JSON for objects, `--help`/`-h`. Parsing stops at
 * `--`; positional arguments are left alone. Unknown flags are kept under
 * their dotted name so that the `extra` rule can report them.
 *
 * @example parseArgv(['--db.port', '5432', '--no-tls'], shape).values // { db: { port: 5432 }, tls: false }
 */
export function parseArgv(args: readonly string[], shape: SchemaShape): ParsedArgv {
  const flags = flagTable(shape);
  const values: Record<string, unknown> = {};
  const origins: Record<string, LeafOrigin> = {};
  const issues: NonNullable<SourceReading['issues']>[number][] = [];
  const lists = new Map<string, unknown[]>();
  let help = false;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] as string;
    if (arg === '--') break;
    if (arg === '--help' || arg === '-h') {
      help = true;
      continue;
    }
    if (!arg.startsWith('--')) continue;
    const eq = arg.indexOf('=');
    const name = eq === -1 ? arg.slice(2) : arg.slice(2, eq);
    let text: string | undefined = eq === -1 ? undefined : arg.slice(eq + 1);
    let flag = lookup(flags, name);
    let negated = false;
    if (flag?.shape?.kind !== 'boolean' && name.startsWith('no-') && text === undefined) {
      const positive = lookup(flags, name.slice(3));
      if (positive?.shape?.kind === 'boolean') {
        flag = positive;
        negated = true;
      }
    }
    flag ??= { segments: name.split('.'), shape: undefined };
    const path = flag.segments.join('.');
    if (negated) text = 'false';
    else if (text === undefined && flag.shape?.kind === 'boolean') text = 'true';
    else if (text === undefined) {
      const next = args[i + 1];
      if (next === undefined || next.startsWith('--')) {
        issues.push({ path, message: `--${name} needs a value`, source: `argv --${name}` });
        continue;
      }
      text = next;
      i++;
    }
    let value: unknown;
    if (flag.shape?.kind === 'array' && !text.trim().startsWith('[')) {
      const list = lists.get(path) ?? [];
      lists.set(path, list);
      list.push(...(coerceText(text, flag.shape) as unknown[]));
      value = list;
    } else {
      value = coerceText(text, flag.shape);
    }
    if (setPath(values, flag.segments, value)) origins[path] = { detail: `--${name}` };
  }
  return { values, origins, issues, help };
}

function flagTable(shape: SchemaShape): Map<string, Flag> {
  const table = new Map<string, Flag>();
  for (const { segments, shape: child } of shapePaths(shape)) {
    const flag = { segments, shape: child };
    const kebab = segments.map(kebabCase);
    for (const name of [segments.join('.'), kebab.join('.'), kebab.join('-')]) table.set(name, flag);
  }
  return table;
}

function lookup(table: Map<string, Flag>, name: string): Flag | undefined {
  const exact = table.get(name);
  if (exact) return exact;
  // A key inside a record: `--labels.team=x`.
  const parts = name.split('.');
  for (let n = parts.length - 1; n > 0; n--) {
    const parent = table.get(parts.slice(0, n).join('.'));
    if (parent?.shape?.kind === 'record') {
      return { segments: [...parent.segments, ...parts.slice(n)], shape: parent.shape.item };
    }
  }
  return undefined;
}
