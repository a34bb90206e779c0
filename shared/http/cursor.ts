import { ValidationError } from '../domain/errors.ts';

/** Encodes a "continue below this version" position as an opaque cursor. */
export function encodeCursor(before: number | null): string | null {
  return before === null ? null : Buffer.from(JSON.stringify({ b: before }), 'utf8').toString('base64url');
}

/** Decodes a cursor from {@link encodeCursor}; a tampered or foreign one is a 400. */
export function decodeCursor(cursor: string | undefined): number | undefined {
  if (cursor === undefined) return undefined;
  try {
    const parsed: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    const before = (parsed as { b?: unknown }).b;
    if (typeof before === 'number' && Number.isInteger(before) && before > 1) return before;
  } catch {
    // fall through to the validation error
  }
  throw new ValidationError('The cursor is not valid', [
    {
      pointer: '/query/cursor',
      rule: 'cursor',
      message: 'not a cursor this API issued',
      hint: 'Pass nextCursor from the previous page unchanged',
    },
  ]);
}
