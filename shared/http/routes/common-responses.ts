import type { ResponseSpec } from '../route.ts';
import { ProblemSchema } from '../schemas.ts';

const problem = (description: string): ResponseSpec => ({ description, schema: ProblemSchema });

/**
 * The problem responses every authenticated route documents: 400, 401, 403
 * and, when `notFound` names what can be missing, 404.
 *
 * @example responses: { 200: ..., ...readProblems({ notFound: 'No such profile' }) }
 */
export function readProblems(
  options: { invalid?: string; forbidden?: string; notFound?: string } = {},
): Record<number, ResponseSpec> {
  return {
    400: problem(options.invalid ?? 'Malformed request; `errors` lists every violation'),
    401: problem('Missing or invalid bearer token'),
    403: problem(options.forbidden ?? 'Your roles lack the permission'),
    ...(options.notFound ? { 404: problem(`${options.notFound} (also for other tenants)`) } : {}),
  };
}

/**
 * The problem responses of a write to a versioned document: those of
 * {@link readProblems} plus 202 (a change request instead of a write, in a
 * protected environment), 409, 412/428 (If-Match), 413, 415 and 422.
 */
export function writeProblems(
  options: { invalid?: string; notFound?: string; unprocessable?: string } = {},
): Record<number, ResponseSpec> {
  return {
    202: {
      description:
        'The document belongs to a protected environment: nothing was written; a change request was created (see `Location`)',
    },
    ...readProblems(options),
    409: problem(
      'A protected environment has no approvers yet, or the request conflicts with the current state',
    ),
    412: problem('If-Match is stale; `currentVersion` says the latest'),
    413: problem('Content over 256 KiB'),
    415: problem('Unsupported Content-Type'),
    422: problem(
      options.unprocessable ?? 'The result breaks a validation rule; `errors` lists every violation',
    ),
    428: problem('If-Match is required to change an existing document'),
  };
}
