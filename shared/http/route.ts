import type * as v from 'valibot';
import type { Violation } from '../domain/errors.ts';
import type { Permission, Principal } from '../domain/rbac.ts';
import type { ContextDeps } from './context-ports.ts';
import type { HttpResult } from './http-result.ts';

/** The principal of public routes: no tenant, no roles, so no permission check can pass. */
export const ANONYMOUS: Principal = Object.freeze({
  tenantId: '',
  userId: 'anonymous',
  roles: [],
}) as Principal;

/** HTTP methods the API uses. */
export type HttpMethod = 'GET' | 'PUT' | 'PATCH' | 'POST' | 'DELETE';

/** Bounded contexts; each becomes one Lambda function on AWS, whose role holds only what its routes need. */
export type RouteContext = 'system' | 'settings' | 'approvals' | 'secrets' | 'service-accounts' | 'clusters';

/** Any valibot schema. */
export type AnySchema = v.GenericSchema<unknown, unknown>;

/**
 * A request header a route reads, declared once: `run-route` validates it at
 * the edge (its violations listed with the body's, at `/headers/<name>`) and
 * OpenAPI documents it from this declaration.
 */
export interface RequestHeader<S extends AnySchema = AnySchema, R extends boolean = boolean> {
  /** As documented (`If-Match`); matched case-insensitively. */
  name: string;
  description: string;
  /** Whether the request must send it. */
  required: R;
  /** Schema of the value when sent (a string); its output is what the handler gets. */
  schema: S;
  /**
   * `precondition`: a required `If-Match` that is missing reaches the handler as `undefined`
   * when nothing else is wrong with the request (its write path then answers 428 with the
   * current version, RFC 6585, or 404 when there is no document), and is a listed violation
   * otherwise.
   */
  missing?: 'violation' | 'precondition';
  /** The rule id and hint a malformed value is reported with (default: the schema's issue type). */
  malformed?: { rule: string; hint: string };
}

/**
 * The validated values of a route's declared headers, by the key they are declared under
 * (a missing `precondition` header is `undefined`: see {@link RequestHeader.missing}).
 */
export type HeaderValues<HS> = {
  [K in keyof HS]: HS[K] extends RequestHeader<infer S, infer R>
    ? R extends true
      ? HS[K] extends { missing: 'precondition' }
        ? v.InferOutput<S> | undefined
        : v.InferOutput<S>
      : v.InferOutput<S> | undefined
    : never;
};

/** The parsed, validated request a route handler receives. */
export interface RouteInput<P, Q, B, H = Record<string, unknown>> {
  params: P;
  query: Q;
  /** The body, validated against the schema of its content type (undefined for routes without one). */
  body: B;
  /** The body's media type (lowercase, without parameters), when there is a body. */
  contentType: string | undefined;
  /** Lowercased request headers. */
  headers: Record<string, string>;
  /** The declared headers ({@link Route.requestHeaders}), validated; absent optional ones are `undefined`. */
  header: H;
  /** The caller; {@link ANONYMOUS} (no tenant, no roles) on public routes. */
  principal: Principal;
  requestId: string;
  /** The path as requested, for links. */
  rawPath: string;
}

/** A response the route documents. */
export interface ResponseSpec {
  description: string;
  schema?: AnySchema;
  contentType?: string;
}

/**
 * One API route, declared once: the local server serves it, CDK builds the
 * HTTP API from it and OpenAPI is generated from it.
 */
export interface Route<P = unknown, Q = unknown, B = unknown, C extends RouteContext = RouteContext> {
  /** Stable operation id. */
  id: string;
  method: HttpMethod;
  /** API Gateway path template: `/v1/settings/envs/{env}`. */
  path: string;
  /** The bounded context (Lambda function) that serves it; its handler gets that context's ports. */
  context: C;
  /** The one permission it checks, or `null` for a public route. */
  permission: Permission | null;
  /**
   * Where the permission's environment comes from: the `{env}` path
   * parameter (default), or `resource` when it is known only once the
   * handler loaded the resource (a change request). Then `run-route` checks
   * the permission is held in some environment, and the handler must check
   * it against the resource's environment.
   */
  permissionScope?: 'path' | 'resource';
  summary: string;
  tags: string[];
  params?: AnySchema;
  query?: AnySchema;
  /** Accepted body media types, each with its schema. */
  body?: Record<string, AnySchema>;
  /** The request headers it reads, by the key its handler finds them under in `header`. */
  requestHeaders?: Record<string, RequestHeader>;
  responses: Record<number, ResponseSpec>;
  /** Largest request body this route accepts (default `MAX_BODY_BYTES`, 1 MiB): pushed observations take more. */
  maxBodyBytes?: number;
  /**
   * The checks its use case makes after the body schema (quantities, bound order, cross-field
   * rules), for a request refused anyway: `run-route` calls it with the JSON body, when the caller
   * holds the route's permission, so that one 400 lists these problems with the schema's. It
   * must check only the parts the schema accepts (`wellFormedParts`), never a value of the wrong
   * type. Pointers are under `/body`.
   */
  bodyChecks?: (body: unknown) => Violation[] | Promise<Violation[]>;
  handle(input: RouteInput<P, Q, B>, deps: ContextDeps<C>): Promise<HttpResult>;
}

/** Declares a route with its input types inferred from its schemas. */
export function defineRoute<
  PS extends AnySchema | undefined = undefined,
  QS extends AnySchema | undefined = undefined,
  BS extends Record<string, AnySchema> | undefined = undefined,
  C extends RouteContext = RouteContext,
  HS extends Record<string, RequestHeader> = Record<string, never>,
>(
  route: Omit<
    Route<unknown, unknown, unknown, C>,
    'handle' | 'params' | 'query' | 'body' | 'requestHeaders'
  > & {
    params?: PS;
    query?: QS;
    body?: BS;
    requestHeaders?: HS;
    handle(
      input: RouteInput<
        PS extends AnySchema ? v.InferOutput<PS> : Record<string, never>,
        QS extends AnySchema ? v.InferOutput<QS> : Record<string, never>,
        BS extends Record<string, AnySchema> ? v.InferOutput<BS[keyof BS]> : undefined,
        HeaderValues<HS>
      >,
      deps: ContextDeps<C>,
    ): Promise<HttpResult>;
  },
): Route<unknown, unknown, unknown, C> {
  return route as unknown as Route<unknown, unknown, unknown, C>;
}
