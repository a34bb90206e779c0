import type * as v from 'valibot';
import { appendViolations, type Violation } from '../domain/errors.ts';
import type { AnySchema } from './route.ts';

/**
 * Validates one part of a request (path, query, a header, the body) against
 * the route's schema: the parsed value, or `undefined` with the violations
 * (JSON pointers under `prefix`) pushed onto `violations`; `{}` when the
 * route declares no schema for it. The module turning issues into
 * violations (plain messages, did-you-mean hints) loads with the first
 * invalid part: a cold start serving valid requests never loads it.
 */
export async function parsePart(
  schema: AnySchema | undefined,
  input: unknown,
  prefix: string,
  violations: Violation[],
): Promise<unknown> {
  if (!schema) return {};
  // Why `~standard` (the Standard Schema interface every valibot schema carries) and not
  // `v.safeParse`: the edge then imports nothing of valibot, whose one module would otherwise
  // load at cold start with every schema builder any route uses. Same run, same global config;
  // valibot's result is its dataset, so the issues are valibot issues.
  const result = schema['~standard'].validate(input);
  if (result instanceof Promise) throw new TypeError('Route schemas must be synchronous');
  if (!result.issues) return result.value;
  const { issuesToViolations } = await import('../domain/documents/issues-to-violations.ts');
  appendViolations(violations, issuesToViolations(result.issues as v.BaseIssue<unknown>[], prefix, schema));
  return undefined;
}
