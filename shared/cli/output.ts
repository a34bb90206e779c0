import { stringify } from 'yaml';
import type { Violation } from '../domain/errors.ts';

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

/** A violation as the API sends it (in a problem's `errors` or a record's `warnings`); any member may be absent. */
export type ViolationView = Partial<Violation>;

/** Longest echo of a violation's value: a mistyped key may hold a whole object. */
const VALUE_ECHO_LIMIT = 80;

/**
 * What a violation adds after its message: the offending value (JSON,
 * shortened), the layer and configuration it was found in, and the hint.
 */
function violationDetails(v: ViolationView): string {
  let details = '';
  if (v.value !== undefined) {
    const text = JSON.stringify(v.value) ?? String(v.value);
    details += ` (value: ${text.length > VALUE_ECHO_LIMIT ? `${text.slice(0, VALUE_ECHO_LIMIT - 1)}…` : text})`;
  }
  const where = [v.scope ? `from ${v.scope}` : '', v.target ? `in ${v.target}` : ''].filter(Boolean);
  if (where.length > 0) details += ` (${where.join(', ')})`;
  if (v.hint) details += ` (hint: ${v.hint})`;
  return details;
}

/**
 * One error of a problem on one line: pointer, message, the rule when
 * `withRule` (a 422's rule ids are worth reading; a 400's are valibot's),
 * then value, layer, configuration and hint when the API sent them.
 *
 * @example describeViolation({ pointer: '/body/roles/0', message: 'a role', value: 'editr' }, false)
 */
export function describeViolation(v: ViolationView, withRule: boolean): string {
  return `${v.pointer ?? ''}: ${v.message ?? ''}${withRule && v.rule ? ` [${v.rule}]` : ''}${violationDetails(v)}`;
}

/**
 * The lines of a write's warnings (unknown keys outside strict mode ...):
 * `warning <pointer> [<rule>]: <message>` then value, layer and hint. Every
 * command that prints a written record uses it, so none hides them.
 *
 * @example lines.push(...warningLines(record.warnings))
 */
export function warningLines(warnings: readonly ViolationView[] | undefined): string[] {
  return (warnings ?? []).map(
    (w) =>
      `warning ${w.pointer ?? ''}${w.rule ? ` [${w.rule}]` : ''}: ${w.message ?? ''}${violationDetails(w)}`,
  );
}
