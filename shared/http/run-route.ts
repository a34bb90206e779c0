import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import * as v from 'valibot';
import {
  PayloadTooLargeError,
  UnauthorizedError,
  UnsupportedMediaTypeError,
  ValidationError,
  type Violation,
} from '../domain/errors.ts';
import { authorize } from '../domain/rbac.ts';
import type { Deps } from '../use-cases/deps.ts';
import { principalFromEvent } from './auth-context.ts';
import type { HttpResult } from './http-result.ts';
import { ANONYMOUS, type AnySchema, type Route } from './route.ts';

/** Largest request body accepted, before any parsing (content itself is capped at 256 KiB). */
export const MAX_BODY_BYTES = 1024 * 1024;

/**
 * Runs one route for one API Gateway v2 event: authenticate, parse and
 * validate every input (listing all violations), authorize the route's one
 * permission, then call its handler.
 */
export async function runRoute(route: Route, event: APIGatewayProxyEventV2, deps: Deps): Promise<HttpResult> {
  const principal = route.permission === null ? undefined : principalFromEvent(event);
  const headers = lowerHeaders(event.headers ?? {});
  const violations: Violation[] = [];
  const params = parsePart(route.params, event.pathParameters ?? {}, '/path', violations);
  const query = parsePart(route.query, event.queryStringParameters ?? {}, '/query', violations);
  const { body, contentType } = parseBody(route, event, headers, violations);
  if (violations.length > 0) throw new ValidationError(describe(violations), violations);
  if (route.permission !== null) {
    if (!principal) throw new UnauthorizedError('A bearer token is required');
    const env = (params as { env?: unknown }).env;
    authorize(principal, route.permission, typeof env === 'string' ? env : undefined);
  }
  return route.handle(
    {
      params: params as never,
      query: query as never,
      body: body as never,
      contentType,
      headers,
      principal: principal ?? ANONYMOUS,
      requestId: event.requestContext?.requestId ?? 'unknown',
      rawPath: event.rawPath,
    },
    deps,
  );
}

function describe(violations: Violation[]): string {
  const first = violations[0];
  const more = violations.length > 1 ? ` (and ${violations.length - 1} more)` : '';
  return `${first?.pointer ?? ''}: ${first?.message ?? 'invalid'}${more}`;
}

function lowerHeaders(headers: Record<string, string | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, value] of Object.entries(headers)) if (value !== undefined) out[k.toLowerCase()] = value;
  return out;
}

function parsePart(
  schema: AnySchema | undefined,
  input: unknown,
  prefix: string,
  violations: Violation[],
): unknown {
  if (!schema) return {};
  const result = v.safeParse(schema, input);
  if (result.success) return result.output;
  violations.push(...issuesToViolations(result.issues, prefix));
  return undefined;
}

/** Turns valibot issues into violations with JSON pointers under `prefix`. */
export function issuesToViolations(issues: readonly v.BaseIssue<unknown>[], prefix: string): Violation[] {
  return issues.map((issue) => {
    const pointer = `${prefix}${(issue.path ?? []).map((p) => `/${String(p.key).replaceAll('~', '~0').replaceAll('/', '~1')}`).join('')}`;
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

function parseBody(
  route: Route,
  event: APIGatewayProxyEventV2,
  headers: Record<string, string>,
  violations: Violation[],
): { body: unknown; contentType: string | undefined } {
  if (!route.body) return { body: undefined, contentType: undefined };
  const raw =
    event.body === undefined
      ? ''
      : event.isBase64Encoded
        ? Buffer.from(event.body, 'base64').toString('utf8')
        : event.body;
  if (Buffer.byteLength(raw, 'utf8') > MAX_BODY_BYTES) {
    throw new PayloadTooLargeError(`The request body exceeds ${MAX_BODY_BYTES} bytes`, MAX_BODY_BYTES);
  }
  const accepted = Object.keys(route.body);
  const contentType = (headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
  const schema = route.body[contentType];
  if (!schema) {
    throw new UnsupportedMediaTypeError(
      contentType === ''
        ? `Send a body with Content-Type ${accepted.join(' or ')}`
        : `Content-Type ${contentType} is not accepted here; use ${accepted.join(' or ')}`,
      accepted,
    );
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    violations.push({
      pointer: '/body',
      rule: 'json',
      message: raw.trim() === '' ? 'the request body is empty' : 'the request body is not valid JSON',
      hint: 'Send a JSON document',
    });
    return { body: undefined, contentType };
  }
  return { body: parsePart(schema, parsed, '/body', violations), contentType };
}
