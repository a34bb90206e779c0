/**
 * The known key closest to `unknown` (a misspelt field), or `undefined`
 * when none is close: at most one edit per three characters (rounded),
 * counting a swap of two neighbours as one edit (optimal string alignment).
 * Keys longer than 100 characters are not compared.
 *
 * @example closestKey('contnet', ['content', 'reason', 'ticket']) // 'content'
 */
export function closestKey(unknown: string, known: readonly string[]): string | undefined {
  if (unknown.length > 100) return undefined;
  let best: string | undefined;
  let bestDistance = Math.floor((unknown.length + 1) / 3) + 1;
  for (const candidate of known) {
    if (candidate.length > 100 || Math.abs(candidate.length - unknown.length) >= bestDistance) continue;
    const distance = editDistance(unknown.toLowerCase(), candidate.toLowerCase());
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best;
}

/**
 * The keys an object schema at `path` (keys and indexes below the root)
 * declares, read from valibot schema objects without importing valibot:
 * `entries` of object schemas, through `optional`/`nullable` wrappers
 * (`wrapped`), pipes, arrays (`item`), records (`value`) and unions
 * (`options`). Empty when nothing there declares keys.
 *
 * @example schemaKeysAt(v.strictObject({ policy: v.strictObject({ hpa: v.optional(...) }) }), ['policy']) // ['hpa']
 */
export function schemaKeysAt(schema: unknown, path: readonly unknown[]): string[] {
  let nodes = expand(schema);
  for (const key of path) nodes = nodes.flatMap((node) => expand(child(node, key)));
  return [...new Set(nodes.flatMap((node) => (isRecord(node.entries) ? Object.keys(node.entries) : [])))];
}

type SchemaNode = Record<string, unknown>;

function isRecord(value: unknown): value is SchemaNode {
  return typeof value === 'object' && value !== null;
}

/** The schema itself, or what it wraps, or each option of a union; at most 8 levels deep. */
function expand(schema: unknown, depth = 0): SchemaNode[] {
  if (!isRecord(schema) || depth > 8) return [];
  if (isRecord(schema.wrapped)) return expand(schema.wrapped, depth + 1);
  if (Array.isArray(schema.options) && schema.options.some(isRecord))
    return schema.options.flatMap((option) => expand(option, depth + 1));
  return [schema];
}

function child(node: SchemaNode, key: unknown): unknown {
  if (isRecord(node.entries) && typeof key === 'string' && Object.hasOwn(node.entries, key))
    return node.entries[key];
  if (isRecord(node.item) && typeof key === 'number') return node.item;
  if (node.type === 'record' && isRecord(node.value)) return node.value;
  return undefined;
}

/**
 * Optimal string alignment distance: insertions, deletions, substitutions
 * and adjacent swaps. Keeps three rolling rows (a swap reads two rows back),
 * not a whole matrix.
 */
function editDistance(a: string, b: string): number {
  let twoBack: number[] = new Array<number>(b.length + 1).fill(0);
  let above: number[] = Array.from({ length: b.length + 1 }, (_, j) => j);
  let row: number[] = new Array<number>(b.length + 1).fill(0);
  for (let i = 1; i <= a.length; i++) {
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(
        (above[j] as number) + 1,
        (row[j - 1] as number) + 1,
        (above[j - 1] as number) + cost,
      );
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        best = Math.min(best, (twoBack[j - 2] as number) + 1);
      row[j] = best;
    }
    [twoBack, above, row] = [above, row, twoBack];
  }
  return above[b.length] as number;
}
