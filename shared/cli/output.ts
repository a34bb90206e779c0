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

/**
 * Characters a terminal acts on instead of showing, or that change how a
 * line reads: every control (`Cc`: C0 with tab, CR and LF, DEL, C1 with
 * NEL and CSI), the bidirectional marks, embeddings, overrides and isolates
 * (Trojan Source), and the Unicode line and paragraph separators.
 */
const TERMINAL_CONTROL = /[\p{Cc}\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029]/gu;

/** The short JSON escapes; every other character of {@link TERMINAL_CONTROL} becomes `\uXXXX`. */
const SHORT_ESCAPES: Readonly<Record<string, string>> = {
  '\b': '\\b',
  '\t': '\\t',
  '\n': '\\n',
  '\f': '\\f',
  '\r': '\\r',
};

function escapeControl(char: string): string {
  return SHORT_ESCAPES[char] ?? `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`;
}

/**
 * A server-provided string (a pointer, message, hint, reason, author ...)
 * made safe to print inside a line for people: every terminal control,
 * line break and bidi control becomes a visible JSON-style escape (`\n`,
 * `\r`, `\t`, `\u001b`), so stored text can neither drive the reader's
 * terminal nor forge a line of the output. Everything else stays as it is.
 *
 * @example visible('a\u001b]0;pwned\u0007\nwarning fake') // 'a\\u001b]0;pwned\\u0007\\nwarning fake'
 */
export function visible(text: string): string {
  return String(text).replace(TERMINAL_CONTROL, escapeControl);
}

/** {@link visible}, but line feeds stay: for whole blocks of output whose lines the CLI itself laid out. */
function visibleKeepingLines(text: string): string {
  return text.replace(TERMINAL_CONTROL, (char) => (char === '\n' ? char : escapeControl(char)));
}

const RAW = Symbol('raw output');

/**
 * The output every command writes through: each text passes
 * {@link visibleKeepingLines}, so no server-provided control character
 * reaches the terminal raw, whatever a command forgot to escape. JSON stays
 * valid and means the same (its strings hold such characters only as
 * escapes, or raw C1, DEL and bidi controls that become `\uXXXX`).
 * Fields are still escaped one by one with {@link visible}, which also
 * escapes their line feeds. Wrapping twice changes nothing.
 */
export function terminalSafe(output: Output): Output {
  if (RAW in output) return output;
  return {
    out: (text) => output.out(visibleKeepingLines(text)),
    err: (text) => output.err(visibleKeepingLines(text)),
    [RAW]: output,
  } as Output;
}

/**
 * The unescaped output under a {@link terminalSafe} one, for data a command
 * prints byte for byte (an export, a secret value), meant for a file or a
 * pipe.
 *
 * @example rawOutput(ctx.output).out(exportText)
 */
export function rawOutput(output: Output): Output {
  return (output as Output & { [RAW]?: Output })[RAW] ?? output;
}

/** Renders rows as an aligned plain-text table; each cell is one line ({@link visible}). */
export function table(headers: string[], rows: (string | number | null | undefined)[][]): string {
  const cells = [
    headers,
    ...rows.map((row) => row.map((c) => (c === null || c === undefined ? '-' : visible(String(c))))),
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
 * shortened), the layer and configuration it was found in, and the hint,
 * each {@link visible}.
 */
function violationDetails(v: ViolationView): string {
  let details = '';
  if (v.value !== undefined) {
    const text = visible(JSON.stringify(v.value) ?? String(v.value));
    details += ` (value: ${text.length > VALUE_ECHO_LIMIT ? `${text.slice(0, VALUE_ECHO_LIMIT - 1)}…` : text})`;
  }
  const where = [v.scope ? `from ${visible(v.scope)}` : '', v.target ? `in ${visible(v.target)}` : ''].filter(
    Boolean,
  );
  if (where.length > 0) details += ` (${where.join(', ')})`;
  if (v.hint) details += ` (hint: ${visible(v.hint)})`;
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
  return `${visible(v.pointer ?? '')}: ${visible(v.message ?? '')}${withRule && v.rule ? ` [${visible(v.rule)}]` : ''}${violationDetails(v)}`;
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
      `warning ${visible(w.pointer ?? '')}${w.rule ? ` [${visible(w.rule)}]` : ''}: ${visible(w.message ?? '')}${violationDetails(w)}`,
  );
}
