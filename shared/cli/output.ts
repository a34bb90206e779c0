import { stringify } from 'yaml';

/** Where command output goes; tests capture it. */
export interface Output {
  out(text: string): void;
  err(text: string): void;
}

/** Process stdout/stderr. */
export const processOutput: Output = {
  out: (text) => process.stdout.write(text.endsWith('\n') ? text : `${text}\n`),
  err: (text) => process.stderr.write(text.endsWith('\n') ? text : `${text}\n`),
};

/** Renders rows as an aligned plain-text table. */
export function table(headers: string[], rows: (string | number | null | undefined)[][]): string {
  const cells = [
    headers,
    ...rows.map((row) => row.map((c) => (c === null || c === undefined ? '-' : String(c)))),
  ];
  const widths = headers.map((_, i) => Math.max(...cells.map((row) => (row[i] ?? '').length)));
  return cells
    .map((row) =>
      row
        .map((c, i) => (c ?? '').padEnd(widths[i] ?? 0))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

/** Renders a value as YAML for people. */
export function yaml(value: unknown): string {
  return stringify(value).trimEnd();
}

/**
 * Prints `value` as indented JSON when `json` (the `--json` flag) is set,
 * else the text `text(value)` renders for people.
 *
 * @example printJsonOr(ctx.output, options.json, view, (v) => `cluster ${v.name}`)
 */
export function printJsonOr<T>(output: Output, json: unknown, value: T, text: (value: T) => string): void {
  output.out(json ? JSON.stringify(value, null, 2) : text(value));
}
