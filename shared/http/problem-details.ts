import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import {
  ApprovalRuleError,
  ApproversRequiredError,
  ChangeRequestClosedError,
  ConflictError,
  DomainError,
  ForbiddenError,
  MethodNotAllowedError,
  NotFoundError,
  PayloadTooLargeError,
  PreconditionFailedError,
  PreconditionRequiredError,
  ServiceUnavailableError,
  UnauthorizedError,
  UnprocessableError,
  UnsupportedMediaTypeError,
  ValidationError,
} from '../domain/errors.ts';
import type { AppLogger } from '../ports/app-logger.ts';
import { internalProblem, PROBLEM_TYPE_BASE } from './internal-problem.ts';

/** Base of every problem `type` URI; the last segment is the error's stable code. */
export { PROBLEM_TYPE_BASE } from './internal-problem.ts';

/** An RFC 9457 problem details body. */
export interface ProblemBody {
  type: string;
  title: string;
  status: number;
  detail: string;
  instance?: string;
  requestId?: string;
  [extension: string]: unknown;
}

/** One row of {@link PROBLEM_STATUSES}: an error class, its HTTP status and the response headers it adds. */
interface ProblemMapping {
  error: abstract new (...args: never[]) => DomainError;
  status: number;
  headers?: (error: never) => Record<string, string>;
}

const row = <E extends DomainError>(
  error: abstract new (...args: never[]) => E,
  status: number,
  headers?: (error: E) => Record<string, string>,
): ProblemMapping => ({
  error,
  status,
  ...(headers ? { headers: headers as (error: never) => Record<string, string> } : {}),
});

/**
 * The one table from domain error classes to HTTP: status and headers. The
 * first row the error is an `instanceof` wins, so subclasses come before
 * their base (a `SecretInUseError` is a `ConflictError`: 409). Domain errors
 * carry neither; a `DomainError` in no row is a 500.
 */
const PROBLEM_STATUSES: readonly ProblemMapping[] = [
  row(ValidationError, 400),
  row(UnauthorizedError, 401, () => ({ 'www-authenticate': 'Bearer realm="plumbline"' })),
  row(ApprovalRuleError, 403),
  row(ForbiddenError, 403),
  row(NotFoundError, 404),
  row(MethodNotAllowedError, 405, (e) => ({ allow: e.allowed.join(', ') })),
  row(ApproversRequiredError, 409),
  row(ChangeRequestClosedError, 409),
  row(ConflictError, 409),
  row(PreconditionFailedError, 412, (e) =>
    e.currentVersion === null ? {} : { etag: `"${e.currentVersion}"` },
  ),
  row(PayloadTooLargeError, 413),
  row(UnsupportedMediaTypeError, 415, (e) => ({ 'accept-patch': e.accepted.join(', ') })),
  row(UnprocessableError, 422),
  row(PreconditionRequiredError, 428),
  row(ServiceUnavailableError, 503, (e) => ({ 'retry-after': String(e.retryAfterSeconds) })),
];

/** The HTTP status and headers of a domain error ({@link PROBLEM_STATUSES}); `undefined` when no row maps it. */
export function httpOf(error: DomainError): { status: number; headers: Record<string, string> } | undefined {
  const mapping = PROBLEM_STATUSES.find((m) => error instanceof m.error);
  if (!mapping) return undefined;
  return { status: mapping.status, headers: mapping.headers?.(error as never) ?? {} };
}

/**
 * Maps any thrown value to a problem response. Domain errors get the status
 * and headers of their row in {@link PROBLEM_STATUSES}, their detail and
 * extensions; anything else is a generic 500 whose detail leaks nothing
 * (the caller logs the real error with the request id).
 */
export function toProblem(
  error: unknown,
  context: { instance?: string; requestId?: string } = {},
): { status: number; body: ProblemBody; headers: Record<string, string> } {
  const http = error instanceof DomainError ? httpOf(error) : undefined;
  if (error instanceof DomainError && http) {
    return {
      status: http.status,
      headers: http.headers,
      body: {
        type: `${PROBLEM_TYPE_BASE}${error.code}`,
        title: error.title,
        status: http.status,
        detail: error.message,
        ...context,
        ...error.extensions(),
      },
    };
  }
  return { status: 500, headers: {}, body: internalProblem(context) };
}

/** Renders a problem as an API Gateway v2 result. */
export function problemResult(
  error: unknown,
  context: { instance?: string; requestId?: string } = {},
): APIGatewayProxyStructuredResultV2 {
  const problem = toProblem(error, context);
  return {
    statusCode: problem.status,
    headers: { 'content-type': 'application/problem+json', ...problem.headers },
    body: JSON.stringify(problem.body),
  };
}

/**
 * The problem response of a request that failed with `error`: unexpected
 * errors (no row of {@link PROBLEM_STATUSES}) are logged in full with the
 * request id and answered with a detail that leaks nothing. The HTTP
 * functions' problem middleware (`problem-middleware.ts`) loads this module
 * with the first failed request.
 *
 * @example request.response = problemResponse(request.error, { instance: '/v1/x', requestId: 'r-1' }, logger);
 */
export function problemResponse(
  error: unknown,
  context: { instance?: string; requestId?: string },
  logger: AppLogger,
): APIGatewayProxyStructuredResultV2 {
  if (!(error instanceof DomainError && httpOf(error))) {
    const err = error as Error | null;
    logger.error('unhandled error', {
      requestId: context.requestId,
      errorName: err?.name,
      errorMessage: err?.message,
      stack: err?.stack,
    });
  }
  return problemResult(error, context);
}
