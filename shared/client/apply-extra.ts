import { leaves } from './leaves.ts';
import type { SchemaShape } from './schema-shape.ts';
import { setPath } from './set-path.ts';
import type { SettingsIssue } from './settings-error.ts';
import type { ExtraKeys, LeafOrigin, SourceReading } from './settings-source.ts';

/**
 * Applies the `extra` rule to one source's reading: leaves the schema does
 * not declare are dropped (`ignore`), dropped and reported as warnings
 * (`warn`), or dropped and reported as issues (`forbid`). Keys under
 * records, arrays and loose objects are declared.
 *
 * @example applyExtra({ values: { typo: 1 } }, shape, 'forbid', 'file').reading.issues?.length // 1
 */
export function applyExtra(
  reading: SourceReading,
  shape: SchemaShape,
  mode: ExtraKeys,
  source: string,
): { reading: SourceReading; warnings: SettingsIssue[] } {
  const values: Record<string, unknown> = {};
  const unknown: SettingsIssue[] = [];
  for (const [path, value] of leaves(reading.values)) {
    if (path === '') continue;
    if (declared(path.split('.'), shape)) setPath(values, path.split('.'), value);
    else
      unknown.push({
        path,
        message: 'unknown key: the schema does not declare it',
        source: describe(source, reading.origins, path),
      });
  }
  if (unknown.length === 0) return { reading, warnings: [] };
  const issues = [...(reading.issues ?? []), ...(mode === 'forbid' ? unknown : [])];
  return { reading: { ...reading, values, issues }, warnings: mode === 'warn' ? unknown : [] };
}

function declared(segments: readonly string[], shape: SchemaShape): boolean {
  let node: SchemaShape | undefined = shape;
  for (const segment of segments) {
    if (node.kind === 'object') {
      const child: SchemaShape | undefined = node.entries?.[segment];
      if (!child) return node.open === true;
      node = child;
    } else
      return (
        node.kind !== 'string' && node.kind !== 'number' && node.kind !== 'boolean' && node.kind !== 'bigint'
      );
  }
  return true;
}

function describe(
  source: string,
  origins: Readonly<Record<string, LeafOrigin>> | undefined,
  path: string,
): string {
  const detail = origins?.[path]?.detail;
  return detail ? `${source} ${detail}` : source;
}
