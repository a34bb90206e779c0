import type { MiddlewareObj } from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { DomainError } from '../domain/errors.ts';
import type { AppLogger } from '../ports/app-logger.ts';

/** Base of every problem `type` URI; the last segment is the error's stable code. */
export const PROBLEM_TYPE_BASE = 'https://plumbline.dev/problems/';

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

/**
 * Maps any thrown value to a problem response. Domain errors keep their
 * status, detail and extensions; anything else is a generic 500 whose
 * detail leaks nothing (the caller logs the real error with the request id).
 */
export function toProblem(
  error: unknown,
  context: { instance?: string; requestId?: string } = {},
): { status: number; body: ProblemBody; headers: Record<string, string> } {
  if (error instanceof DomainError) {
    return {
      status: error.status,
      headers: error.headers(),
      body: {
        type: `${PROBLEM_TYPE_BASE}${error.code}`,
        title: error.title,
        status: error.status,
        detail: error.message,
        ...context,
        ...error.extensions(),
      },
    };
  }
  return {
    status: 500,
    headers: {},
    body: {
      type: `${PROBLEM_TYPE_BASE}internal`,
      title: 'Internal error',
      status: 500,
      detail: `Something went wrong on our side. Quote request id ${context.requestId ?? 'unknown'} when reporting it.`,
      ...context,
    },
  };
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
 * The one middleware that maps errors to RFC 9457 problem details
 * (`application/problem+json`). Unexpected errors are logged in full with
 * the request id and answered with a detail that leaks nothing.
 */
export function problemDetails(
  logger: AppLogger,
): MiddlewareObj<APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2> {
  return {
    onError: (request) => {
      const requestId = request.event.requestContext?.requestId ?? request.context.awsRequestId;
      if (!(request.error instanceof DomainError)) {
        const err = request.error as Error | null;
        logger.error('unhandled error', {
          requestId,
          errorName: err?.name,
          errorMessage: err?.message,
          stack: err?.stack,
        });
      }
      request.response = problemResult(request.error, { instance: request.event.rawPath, requestId });
    },
  };
}
