import type * as v from 'valibot';
import type { Violation } from '../errors.ts';
import { escapePointerToken } from '../json-value.ts';

/**
 * Turns valibot issues into violations with JSON pointers under `prefix`
 * (`/body`, `/query`, `/body/documents/3/content`). Strings are echoed back
 * (at most 200 characters), objects and arrays are not.
 *
 * @example issuesToViolations(v.safeParse(Schema, input).issues ?? [], '/body')
 */
export function issuesToViolations(issues: readonly v.BaseIssue<unknown>[], prefix: string): Violation[] {
  return issues.map((issue) => {
    const pointer = `${prefix}${(issue.path ?? []).map((p) => `/${escapePointerToken(String(p.key))}`).join('')}`;
    const safeValue =
      typeof issue.input === 'string'
        ? issue.input.slice(0, 200)
        : typeof issue.input === 'object'
          ? undefined
          : issue.input;
    return {
      pointer,
      rule: issue.type,
      message: issue.message,
      ...(safeValue === undefined ? {} : { value: safeValue }),
    };
  });
}
