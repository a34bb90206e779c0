import { ValidationError } from '../domain/errors.ts';

/** Encodes a "continue below this version" position as an opaque cursor. */
export function encodeCursor(before: number | null): string | null {
  return before === null ? null : encode({ b: before });
}

/** Decodes a cursor from {@link encodeCursor}; a tampered or foreign one is a 400. */
export function decodeCursor(cursor: string | undefined): number | undefined {
  if (cursor === undefined) return undefined;
  const before = decode(cursor)?.b;
  if (typeof before === 'number' && Number.isInteger(before) && before > 1) return before;
  throw invalidCursor();
}

/**
 * Encodes a "continue after this item" position (a change request id) as an
 * opaque cursor. Callers must pass only an item they returned to the caller:
 * a cursor never names anything the caller could not see.
 */
export function encodeAfterCursor(after: string | null): string | null {
  return after === null ? null : encode({ a: after });
}

/** Decodes a cursor from {@link encodeAfterCursor}; one whose id fails `idPattern`, or any other, is a 400. */
export function decodeAfterCursor(cursor: string | undefined, idPattern: RegExp): string | undefined {
  if (cursor === undefined) return undefined;
  const after = decode(cursor)?.a;
  if (typeof after === 'string' && idPattern.test(after)) return after;
  throw invalidCursor();
}

function encode(position: Record<string, unknown>): string {
  return Buffer.from(JSON.stringify(position), 'utf8').toString('base64url');
}

function decode(cursor: string): Record<string, unknown> | undefined {
  try {
    const parsed: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    return typeof parsed === 'object' && parsed !== null ? (parsed as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

function invalidCursor(): ValidationError {
  return new ValidationError('The cursor is not valid', [
    {
      pointer: '/query/cursor',
      rule: 'cursor',
      message: 'not a cursor this API issued',
      hint: 'Pass nextCursor from the previous page unchanged',
    },
  ]);
}
