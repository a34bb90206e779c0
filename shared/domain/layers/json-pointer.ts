import { escapePointerToken, isJsonObject, type JsonValue } from '../json-value.ts';

/**
 * Splits an RFC 6901 JSON pointer into its unescaped reference tokens.
 *
 * @example pointerTokens('/a~1b/c') // ['a/b', 'c']
 */
export function pointerTokens(pointer: string): string[] {
  if (pointer === '') return [];
  return pointer
    .slice(1)
    .split('/')
    .map((token) => token.replaceAll('~1', '/').replaceAll('~0', '~'));
}

/** Joins unescaped tokens into a JSON pointer. */
export function toPointer(tokens: readonly string[]): string {
  return tokens.map((token) => `/${escapePointerToken(token)}`).join('');
}

/** The value at `pointer`, or `undefined` when nothing is there. */
export function valueAt(document: JsonValue, pointer: string): JsonValue | undefined {
  let node: JsonValue | undefined = document;
  for (const token of pointerTokens(pointer)) {
    if (Array.isArray(node)) node = /^(0|[1-9][0-9]*)$/.test(token) ? node[Number(token)] : undefined;
    else if (isJsonObject(node)) node = Object.hasOwn(node, token) ? node[token] : undefined;
    else return undefined;
    if (node === undefined) return undefined;
  }
  return node;
}

/** True when `pointer` is `ancestor` itself or lies below it. */
export function isAtOrBelow(pointer: string, ancestor: string): boolean {
  return pointer === ancestor || pointer.startsWith(`${ancestor}/`);
}
