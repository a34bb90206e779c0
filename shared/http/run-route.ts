import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import {
  appendViolations,
  countViolations,
  ForbiddenError,
  UnauthorizedError,
  ValidationError,
  type Violation,
} from '../domain/errors.ts';
import { authorize, canSomewhere, type Principal } from '../domain/rbac.ts';
import { principalFromEvent } from './auth-context.ts';
import type { ContextDeps } from './context-ports.ts';
import type { HttpResult } from './http-result.ts';
import { parsePart } from './parse-part.ts';
import { ANONYMOUS, type Route, type RouteContext } from './route.ts';

/**
 * Runs one route for one API Gateway v2 event: authenticate, parse and
 * validate every input (listing all violations), authorize the route's one
 * permission, then call its handler.
 */
export async function runRoute<C extends RouteContext>(
  route: Route<unknown, unknown, unknown, C>,
  event: APIGatewayProxyEventV2,
  deps: ContextDeps<C>,
): Promise<HttpResult> {
  const principal = route.permission === null ? undefined : principalFromEvent(event);
  const headers = lowerHeaders(event.headers ?? {});
  const violations: Violation[] = [];
  const params = await parsePart(route.params, event.pathParameters ?? {}, '/path', violations);
  const query = await parsePart(route.query, event.queryStringParameters ?? {}, '/query', violations);
  const header = await parseHeaders(route, headers, violations);
  // Body parsing loads with the first route that has a body: a cold start serving a GET skips it.
  const { body, contentType, json } = route.body
    ? await (await import('./parse-body.ts')).parseBody(route, event, headers, violations)
    : { body: undefined, contentType: undefined, json: undefined };
  // A request refused anyway also gets the checks its use case would make next, on the parts of
  // its body that are well-formed, so that one answer lists every violation. Only for a caller
  // who may make the request: no one else makes the server do that work.
  if (
    violations.length > 0 &&
    route.bodyChecks &&
    json !== undefined &&
    permitted(route, principal, params)
  ) {
    appendViolations(violations, await route.bodyChecks(json));
  }
  // RFC 6585: 428 means the request must be conditional because there is something to lose, so
  // it is answered by the write path once it has read the document (with its current version, as
  // for PUT; a document that does not exist is a 404). Only beside other problems is the missing
  // precondition listed here, in the one 400.
  if (header.preconditionMissing && violations.length > 0) violations.push(header.preconditionMissing);
  if (violations.length > 0) throw new ValidationError(describe(violations), violations);
  authorizeRoute(route, principal, params);
  return route.handle(
    {
      params: params as never,
      query: query as never,
      body: body as never,
      contentType,
      headers,
      header: header.values,
      principal: principal ?? ANONYMOUS,
      requestId: event.requestContext?.requestId ?? 'unknown',
      rawPath: event.rawPath,
    },
    deps,
  );
}

/**
 * Checks the route's one permission: 401 without a principal, 403 unless a
 * role grants it in the environment of the path (or, for `resource`-scoped
 * routes, in some environment). `params` may be undefined (unparsed path):
 * then only tenant-wide grants count.
 */
function authorizeRoute(route: Route, principal: Principal | undefined, params: unknown): void {
  if (route.permission === null) return;
  if (!principal) throw new UnauthorizedError('A bearer token is required');
  const env = (params as { env?: unknown } | undefined)?.env;
  if (route.permissionScope === 'resource') {
    if (!canSomewhere(principal, route.permission)) {
      throw new ForbiddenError(
        `Your roles do not grant '${route.permission}' in any environment`,
        route.permission,
      );
    }
  } else authorize(principal, route.permission, typeof env === 'string' ? env : undefined);
}

/** Whether {@link authorizeRoute} lets the caller through. */
function permitted(route: Route, principal: Principal | undefined, params: unknown): boolean {
  try {
    authorizeRoute(route, principal, params);
    return true;
  } catch (error) {
    if (error instanceof UnauthorizedError || error instanceof ForbiddenError) return false;
    throw error;
  }
}

/**
 * Validates the route's declared request headers (`requestHeaders`): each
 * sent one against its schema, each missing required one as a violation
 * (or, for a `precondition` header, returned apart: the handler gets
 * `undefined` when nothing else is wrong, and its write path answers 428).
 */
async function parseHeaders(
  route: Route,
  headers: Record<string, string>,
  violations: Violation[],
): Promise<{ values: Record<string, unknown>; preconditionMissing: Violation | undefined }> {
  const values: Record<string, unknown> = {};
  let preconditionMissing: Violation | undefined;
  for (const [key, spec] of Object.entries(route.requestHeaders ?? {})) {
    const raw = headers[spec.name.toLowerCase()];
    if (raw === undefined || raw.trim() === '') {
      values[key] = undefined;
      if (!spec.required) continue;
      const missing = missingHeader(spec.name, spec.description);
      if (spec.missing === 'precondition') preconditionMissing = missing;
      else violations.push(missing);
      continue;
    }
    const found: Violation[] = [];
    values[key] = await parsePart(spec.schema, raw, `/headers/${spec.name.toLowerCase()}`, found);
    appendViolations(
      violations,
      found.map((violation) => ({ ...violation, ...spec.malformed })),
    );
  }
  return { values, preconditionMissing };
}

function missingHeader(name: string, why?: string): Violation {
  return {
    pointer: `/headers/${name.toLowerCase()}`,
    rule: 'required',
    message: `${name} is required${why ? `: ${why.charAt(0).toLowerCase()}${why.slice(1)}` : ''}`,
  };
}

function describe(violations: Violation[]): string {
  const first = violations[0];
  // Why not "(and N more)": after a message ending in "at 1" that reads like a stack frame ("at x (").
  // Counts what the problem's list leaves out too (its last violation then counts the rest).
  const total = countViolations(violations);
  const more = total > 1 ? `; ${total - 1} more in errors` : '';
  return `${first?.pointer ?? ''}: ${first?.message ?? 'invalid'}${more}`;
}

function lowerHeaders(headers: Record<string, string | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, value] of Object.entries(headers)) if (value !== undefined) out[k.toLowerCase()] = value;
  return out;
}
