import type * as v from 'valibot';
import { MAX_LISTED_VIOLATIONS, unlistedViolation, type Violation } from '../errors.ts';
import { escapePointerToken } from '../json-value.ts';
import { closestKey, schemaKeysAt } from './closest-key.ts';

/**
 * Unknown fields of one call that get a did-you-mean hint: each costs an
 * edit distance per known key, so a body of thousands of misspelt keys
 * pays for a few.
 */
export const MAX_HINTED_UNKNOWN_FIELDS = 20;

/**
 * Turns valibot issues into violations with JSON pointers under `prefix`
 * (`/body`, `/query`, `/body/documents/3/content`). Strings are echoed back
 * (at most 200 characters), objects and arrays are not. `rule` is the
 * issue's type (`strict_object`, `min_value` ...). valibot's own wording
 * (`Invalid key: Expected "content" but received undefined`) becomes a plain
 * message (`'content' is required`, `unknown field 'contnet'`, `must be at
 * least 1`); a schema's own message is kept. Given the `schema` the issues
 * came from, an unknown field gets a hint naming the field it was probably
 * meant to be (the first {@link MAX_HINTED_UNKNOWN_FIELDS} of them).
 *
 * The cost is bounded whatever the number of issues: past
 * {@link MAX_LISTED_VIOLATIONS}, the first ones are converted and one last
 * violation under `prefix` counts the rest (as the problem would list them).
 *
 * @example issuesToViolations(v.safeParse(Schema, input).issues ?? [], '/body', Schema)
 */
export function issuesToViolations(
  issues: readonly v.BaseIssue<unknown>[],
  prefix: string,
  schema?: unknown,
): Violation[] {
  const converted =
    issues.length > MAX_LISTED_VIOLATIONS ? issues.slice(0, MAX_LISTED_VIOLATIONS - 1) : issues;
  const hints = { left: MAX_HINTED_UNKNOWN_FIELDS };
  const out: Violation[] = converted.map((issue) => {
    const keys = (issue.path ?? []).map((p) => p.key);
    const pointer = `${prefix}${keys.map((key) => `/${escapePointerToken(String(key))}`).join('')}`;
    const safeValue =
      typeof issue.input === 'string'
        ? issue.input.slice(0, 200)
        : typeof issue.input === 'object'
          ? undefined
          : issue.input;
    const plain = isDefaultMessage(issue)
      ? plainWording(issue, keys, schema, hints)
      : { message: issue.message };
    return {
      pointer,
      rule: issue.type,
      ...plain,
      ...(safeValue === undefined ? {} : { value: safeValue }),
    };
  });
  if (converted.length < issues.length) out.push(unlistedViolation(issues.length - converted.length, prefix));
  return out;
}

/** True when the issue carries valibot's generic message, not one a schema chose. */
function isDefaultMessage(issue: v.BaseIssue<unknown>): boolean {
  const tail = `${issue.expected ? `Expected ${issue.expected} but r` : 'R'}eceived ${issue.received}`;
  return /^Invalid [a-z ]+: /.test(issue.message) && issue.message.endsWith(tail);
}

/** A message (and hint) a person reads without knowing valibot. */
function plainWording(
  issue: v.BaseIssue<unknown>,
  keys: readonly unknown[],
  schema: unknown,
  hints: { left: number },
): { message: string; hint?: string } {
  const last = issue.path?.at(-1);
  if (last?.origin === 'key') {
    const name = String(last.key);
    if (issue.expected !== 'never') return { message: `'${name}' is required` };
    if (hints.left <= 0)
      return { message: `unknown field '${name}'`, hint: 'Remove it or check its spelling' };
    hints.left -= 1;
    const known = schemaKeysAt(schema, keys.slice(0, -1));
    const guess = closestKey(name, known);
    return {
      message: `unknown field '${name}'`,
      hint: guess
        ? `did you mean '${guess}'?`
        : known.length > 0 && known.length <= 12
          ? `Remove it; the fields here are ${known.map((key) => `'${key}'`).join(', ')}`
          : 'Remove it or check its spelling',
    };
  }
  const requirement = (issue as { requirement?: unknown }).requirement;
  const size = Array.isArray(issue.input) ? 'items' : 'characters';
  switch (issue.type) {
    case 'min_value':
      return { message: `must be at least ${String(requirement)}` };
    case 'max_value':
      return { message: `must be at most ${String(requirement)}` };
    case 'min_length':
      return { message: `must have at least ${String(requirement)} ${size}` };
    case 'max_length':
      return { message: `must have at most ${String(requirement)} ${size}` };
    case 'length':
      return { message: `must have exactly ${String(requirement)} ${size}` };
    case 'integer':
      return { message: 'must be a whole number' };
    case 'email':
      return { message: 'must be an email address' };
    case 'regex':
      return { message: `does not have the expected format ${issue.expected ?? ''}`.trimEnd() };
  }
  if (issue.kind === 'schema' && issue.expected) {
    return { message: `must be ${expectedType(issue.expected)}, not ${issue.received}` };
  }
  return { message: issue.message };
}

const TYPE_NAMES: Record<string, string> = {
  Array: 'an array',
  Object: 'an object',
  string: 'a string',
  number: 'a number',
  boolean: 'true or false',
  null: 'null',
};

/** `Array` -> `an array`; `("a" | "b")` -> `one of "a", "b"`. */
function expectedType(expected: string): string {
  const named = TYPE_NAMES[expected];
  if (named) return named;
  const options = expected.replace(/^\((.*)\)$/, '$1').split(' | ');
  if (options.length > 1) return `one of ${options.map((o) => TYPE_NAMES[o] ?? o).join(', ')}`;
  return expected;
}
