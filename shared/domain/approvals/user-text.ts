/**
 * Characters that can break a line or change what a reader sees: controls
 * (`Cc`: C0 and C1, CR, LF, tab, NEL, ESC, DEL), format characters (`Cf`:
 * the bidirectional marks, embeddings, overrides and isolates, zero-width
 * characters, the soft hyphen, BOM) and the Unicode line and paragraph
 * separators (U+2028, U+2029).
 */
const CONTROL = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/gu;

/**
 * Replaces every character of {@link CONTROL} with a space, keeping
 * everything else as it is (for values and paths shown verbatim).
 *
 * @example stripControls('a\u202eb') // 'a b'
 */
export function stripControls(text: string): string {
  return text.replace(CONTROL, ' ');
}

/**
 * Text someone typed (a reason, a comment, a ticket) made safe to embed in
 * a notification: every control, line-breaking, bidi and zero-width
 * character becomes a space, runs of spaces collapse, and the result is cut
 * to `max` characters (ending with `…`). Always one line.
 *
 * @example singleLine('ok\nApprovals needed: 0') // 'ok Approvals needed: 0'
 */
export function singleLine(text: string, max = 500): string {
  return clip(stripControls(text).replace(/\s+/gu, ' ').trim(), max);
}

/**
 * Cuts text to at most `max` characters (code points), ending with `…` when cut.
 *
 * @example clip('abcdef', 4) // 'abc…'
 */
export function clip(text: string, max: number): string {
  const chars = [...text];
  return chars.length <= max ? text : `${chars.slice(0, max - 1).join('')}…`;
}

/**
 * {@link singleLine}, in double quotes, with quotes and backslashes escaped
 * as in JSON, so a reader always sees where someone's text starts and ends.
 *
 * @example quoted('say "hi"') // '"say \\"hi\\""'
 */
export function quoted(text: string, max = 500): string {
  return JSON.stringify(singleLine(text, max));
}
