import type { SchemaShape } from './schema-shape.ts';

const TRUE = new Set(['true', '1', 'yes', 'on']);
const FALSE = new Set(['false', '0', 'no', 'off']);

/**
 * Turns one text value (from argv, the environment, a dotenv file or a
 * secrets directory) into what its schema shape asks for: numbers, bigints,
 * booleans (`true/false`, `1/0`, `yes/no`, `on/off`), dates, JSON for
 * objects, records and arrays (`[...]`), comma lists for arrays otherwise.
 * Text that does not convert is returned unchanged, so that validation
 * reports it with its source and value.
 *
 * @example coerceText('8080', { kind: 'number', optional: false }) // 8080
 * @example coerceText('a, b', { kind: 'array', item: { kind: 'string', optional: false }, optional: false }) // ['a', 'b']
 */
export function coerceText(text: string, shape: SchemaShape | undefined): unknown {
  switch (shape?.kind) {
    case 'number': {
      const trimmed = text.trim();
      const value = Number(trimmed);
      return trimmed === '' || Number.isNaN(value) ? text : value;
    }
    case 'bigint':
      try {
        return BigInt(text.trim());
      } catch {
        return text;
      }
    case 'boolean': {
      const lower = text.trim().toLowerCase();
      if (TRUE.has(lower)) return true;
      if (FALSE.has(lower)) return false;
      return text;
    }
    case 'date': {
      const date = new Date(text.trim());
      return Number.isNaN(date.getTime()) ? text : date;
    }
    case 'object':
    case 'record':
      return parseJson(text) ?? text;
    case 'array': {
      const trimmed = text.trim();
      if (trimmed.startsWith('[')) return parseJson(trimmed) ?? text;
      if (trimmed === '') return [];
      return trimmed.split(',').map((item) => coerceText(item.trim(), shape.item));
    }
    case 'unknown':
      return parseJson(text) ?? text;
    default:
      return text;
  }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
