import type { MiddlewareObj } from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import type { AppLogger } from '../ports/app-logger.ts';
import { authorizerClaims } from './auth-context.ts';

/** What a redacted path segment or secret is replaced with in logs. */
export const REDACTED = '{…}';

/** Longest path (in segments) a log line names; the rest becomes one {@link REDACTED}. */
const MAX_LOGGED_SEGMENTS = 12;

/**
 * Shapes of credentials that must never reach a log line, wherever they hide
 * (an error message, a stack, a path): a signed approval link
 * (`<payload>.<43-char HMAC>`), a JWT (`eyJ…` in three parts), and a bearer
 * header value.
 */
const SECRET_SHAPES: readonly RegExp[] = [
  /[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{43}(?![A-Za-z0-9_-])/g,
  /eyJ[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*/g,
  /\bBearer\s+\S+/gi,
];

/** `text` with every credential-shaped substring (see {@link SECRET_SHAPES}) replaced by {@link REDACTED}. */
export function redactSecrets(text: string): string {
  let out = text;
  for (const shape of SECRET_SHAPES) out = out.replace(shape, REDACTED);
  return out;
}

/**
 * Wraps a logger so that no string attribute (at any depth, up to a few
 * levels) carries a credential-shaped substring. Every HTTP entry point logs
 * through it, so even an error message that quotes a token is safe to log.
 *
 * @example const logger = redactingLogger(deps.logger);
 */
export function redactingLogger(logger: AppLogger): AppLogger {
  const clean = (attributes: Record<string, unknown> | undefined) =>
    attributes === undefined ? undefined : (scrub(attributes, 0) as Record<string, unknown>);
  return {
    info: (message, attributes) => logger.info(redactSecrets(message), clean(attributes)),
    warn: (message, attributes) => logger.warn(redactSecrets(message), clean(attributes)),
    error: (message, attributes) => logger.error(redactSecrets(message), clean(attributes)),
  };
}

function scrub(value: unknown, depth: number): unknown {
  if (typeof value === 'string') return redactSecrets(value);
  if (depth >= 4 || typeof value !== 'object' || value === null) return value;
  if (Array.isArray(value)) return value.map((item) => scrub(item, depth + 1));
  if (Object.getPrototypeOf(value) !== Object.prototype && Object.getPrototypeOf(value) !== null)
    return value;
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) out[key] = scrub(item, depth + 1);
  return out;
}

/**
 * Names a request's route for the log without any part of the path a caller
 * chose: the matched route template (`GET /v1/approvals/{token}`) when there
 * is one, otherwise the path with every segment that is not a literal of the
 * route table replaced by {@link REDACTED} (`HEAD /v1/approvals/{…}`).
 * Signed approval links travel in the path, so a raw path must never be logged.
 *
 * @example new RouteNamer(routeTable).name('PUT', '/v1/approvals/eyJ...') // 'PUT /v1/approvals/{…}'
 */
export class RouteNamer {
  readonly #literals: ReadonlySet<string>;
  readonly #templates: ReadonlySet<string>;

  constructor(routes: readonly { method: string; path: string }[]) {
    this.#templates = new Set(routes.map((route) => `${route.method} ${route.path}`));
    this.#literals = new Set(
      routes.flatMap((route) =>
        route.path
          .split('/')
          .filter((segment) => segment !== '' && !(segment.startsWith('{') && segment.endsWith('}'))),
      ),
    );
  }

  /**
   * The route as a log line names it. `template` is the matched route's path
   * template, or a route key (`GET /v1/x/{id}`) that is used only when it is
   * one of the table's.
   */
  name(method: string, rawPath: string, template?: string): string {
    const verb = /^[A-Z]{1,12}$/.test(method) ? method : 'OTHER';
    if (template !== undefined) {
      const key = template.startsWith('/') ? `${verb} ${template}` : template;
      if (this.#templates.has(key)) return key;
    }
    return `${verb} ${this.redactPath(rawPath)}`;
  }

  /** The path with every segment that is not a literal of the route table replaced by {@link REDACTED}. */
  redactPath(rawPath: string): string {
    const segments = rawPath.split('/').slice(1);
    const kept = segments
      .slice(0, MAX_LOGGED_SEGMENTS)
      .map((segment) => (segment === '' || this.#literals.has(segment) ? segment : REDACTED));
    if (segments.length > MAX_LOGGED_SEGMENTS) kept.push(REDACTED);
    return `/${kept.join('/')}`;
  }
}

/** One request log line's fields. */
export interface RequestLogLine {
  requestId: string | undefined;
  tenant: string | undefined;
  route: string;
  method: string;
  status: number;
  durationMs: number;
}

/** Writes one request line: the only place its shape is decided. */
export function logRequest(logger: AppLogger, line: RequestLogLine): void {
  logger.info('request', {
    ...line,
    method: /^[A-Z]{1,12}$/.test(line.method) ? line.method : 'OTHER',
    durationMs: Math.round(line.durationMs * 100) / 100,
  });
}

/**
 * Logs one structured line per request: request id, tenant, route (a
 * template or a redacted path, see {@link RouteNamer}), status and duration.
 * Never headers, tokens or bodies.
 */
export function requestLog(
  logger: AppLogger,
  namer: RouteNamer,
  now: () => number = () => performance.now(),
): MiddlewareObj<
  APIGatewayProxyEventV2,
  APIGatewayProxyStructuredResultV2,
  Error,
  import('aws-lambda').Context,
  { startedAt?: number }
> {
  const write = (request: {
    event: APIGatewayProxyEventV2;
    response: APIGatewayProxyStructuredResultV2 | null;
    internal: { startedAt?: number };
  }): void => {
    const claims = authorizerClaims(request.event);
    const tenant = typeof claims?.tenant_id === 'string' ? claims.tenant_id : undefined;
    const method = String(request.event.requestContext?.http?.method ?? 'OTHER').toUpperCase();
    logRequest(logger, {
      requestId: request.event.requestContext?.requestId,
      tenant,
      route: namer.name(method, request.event.rawPath ?? '/', request.event.routeKey),
      method,
      status: request.response?.statusCode ?? 500,
      durationMs: now() - (request.internal.startedAt ?? now()),
    });
  };
  return {
    before: (request) => {
      request.internal.startedAt = now();
    },
    after: write,
    onError: write,
  };
}
