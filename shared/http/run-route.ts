import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import type * as v from 'valibot';
import { issuesToViolations } from '../domain/documents/issues-to-violations.ts';
import {
  ForbiddenError,
  PayloadTooLargeError,
  PreconditionRequiredError,
  UnauthorizedError,
  UnsupportedMediaTypeError,
  ValidationError,
  type Violation,
} from '../domain/errors.ts';
import { authorize, canSomewhere } from '../domain/rbac.ts';
import { principalFromEvent } from './auth-context.ts';
import type { ContextDeps } from './context-ports.ts';
import { forbiddenKeyViolations } from './forbidden-keys.ts';
import type { HttpResult } from './http-result.ts';
import { ANONYMOUS, type AnySchema, type Route, type RouteContext } from './route.ts';

/** Turns valibot issues into violations with JSON pointers (defined in the domain, shared with import). */
export { issuesToViolations };

/** Largest request body accepted, before any parsing (content itself is capped at 256 KiB). */
export const MAX_BODY_BYTES = 1024 * 1024;

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
  const params = parsePart(route.params, event.pathParameters ?? {}, '/path', violations);
  const query = parsePart(route.query, event.queryStringParameters ?? {}, '/query', violations);
  const header = parseHeaders(route, headers, violations);
  const { body, contentType } = await parseBody(route, event, headers, violations);
  if (violations.length === 0 && header.preconditionMissing) {
    // RFC 6585: a missing precondition on an existing resource is 428, not 400.
    throw new PreconditionRequiredError(
      `Send ${header.preconditionMissing}: "<version>" of the version you read`,
      null,
    );
  }
  if (header.preconditionMissing) violations.push(missingHeader(header.preconditionMissing));
  if (violations.length > 0) throw new ValidationError(describe(violations), violations);
  if (route.permission !== null) {
    if (!principal) throw new UnauthorizedError('A bearer token is required');
    const env = (params as { env?: unknown }).env;
    if (route.permissionScope === 'resource') {
      if (!canSomewhere(principal, route.permission)) {
        throw new ForbiddenError(
          `Your roles do not grant '${route.permission}' in any environment`,
          route.permission,
        );
      }
    } else authorize(principal, route.permission, typeof env === 'string' ? env : undefined);
  }
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
 * Validates the route's declared request headers (`requestHeaders`): each
 * sent one against its schema, each missing required one as a violation
 * (or, for a `precondition` header, remembered: a 428 when nothing else is wrong).
 */
function parseHeaders(
  route: Route,
  headers: Record<string, string>,
  violations: Violation[],
): { values: Record<string, unknown>; preconditionMissing: string | undefined } {
  const values: Record<string, unknown> = {};
  let preconditionMissing: string | undefined;
  for (const [key, spec] of Object.entries(route.requestHeaders ?? {})) {
    const raw = headers[spec.name.toLowerCase()];
    if (raw === undefined || raw.trim() === '') {
      values[key] = undefined;
      if (!spec.required) continue;
      if (spec.missing === 'precondition') preconditionMissing = spec.name;
      else violations.push(missingHeader(spec.name, spec.description));
      continue;
    }
    const found: Violation[] = [];
    values[key] = parsePart(spec.schema, raw, `/headers/${spec.name.toLowerCase()}`, found);
    violations.push(...found.map((violation) => ({ ...violation, ...spec.malformed })));
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
  // Why `~standard` (the Standard Schema interface every valibot schema carries) and not
  // `v.safeParse`: the edge then imports nothing of valibot, whose one module would otherwise
  // load at cold start with every schema builder any route uses. Same run, same global config;
  // valibot's result is its dataset, so the issues are valibot issues.
  const result = schema['~standard'].validate(input);
  if (result instanceof Promise) throw new TypeError('Route schemas must be synchronous');
  if (!result.issues) return result.value;
  violations.push(
    ...issuesToViolations(result.issues as [v.BaseIssue<unknown>, ...v.BaseIssue<unknown>[]], prefix),
  );
  return undefined;
}

async function parseBody(
  route: Route,
  event: APIGatewayProxyEventV2,
  headers: Record<string, string>,
  violations: Violation[],
): Promise<{ body: unknown; contentType: string | undefined }> {
  if (!route.body) return { body: undefined, contentType: undefined };
  const raw =
    event.body === undefined
      ? ''
      : event.isBase64Encoded
        ? Buffer.from(event.body, 'base64').toString('utf8')
        : event.body;
  const maxBytes = route.maxBodyBytes ?? MAX_BODY_BYTES;
  if (Buffer.byteLength(raw, 'utf8') > maxBytes) {
    throw new PayloadTooLargeError(`The request body exceeds ${maxBytes} bytes`, maxBytes);
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
  if (contentType === 'application/x-www-form-urlencoded') {
    // HTML forms (the approval page): fields become a flat object of strings; the route's schema checks them.
    return {
      body: parsePart(schema, Object.fromEntries(new URLSearchParams(raw)), '/body', violations),
      contentType,
    };
  }
  const isYaml = contentType === 'application/yaml';
  // The YAML parser loads with the first YAML body (snapshot imports), not at cold start.
  const parseYaml = isYaml ? (await import('yaml')).parse : undefined;
  try {
    // YAML bodies (snapshot imports) are read as JSON data: JSON round trip drops anything JSON cannot hold.
    parsed = parseYaml ? JSON.parse(JSON.stringify(parseYaml(raw) ?? null)) : JSON.parse(raw);
  } catch {
    violations.push({
      pointer: '/body',
      rule: isYaml ? 'yaml' : 'json',
      message:
        raw.trim() === ''
          ? 'the request body is empty'
          : `the request body is not valid ${isYaml ? 'YAML' : 'JSON'}`,
      hint: isYaml ? 'Send a YAML document' : 'Send a JSON document',
    });
    return { body: undefined, contentType };
  }
  // Why: JSON text may escape lone surrogates (`"\ud800"`), which RFC 8785 hashing and I-JSON
  // (RFC 7493) reject, and may nest deeper than the recursive domain code can walk; both are a 400
  // here rather than a 500 deep in the write path.
  // Why: `__proto__`, `constructor` and `prototype` are refused at the edge, once for every
  // body (docs/reliability.md, "Prototype keys and merges"), after the depth check bounds the walk.
  const shapeViolations = jsonShapeViolations(parsed);
  if (shapeViolations.length === 0) {
    shapeViolations.push(...forbiddenKeyViolations(parsed, contentType === 'application/json-patch+json'));
  }
  if (shapeViolations.length > 0) {
    violations.push(...shapeViolations);
    return { body: undefined, contentType };
  }
  return { body: parsePart(schema, parsed, '/body', violations), contentType };
}

/** Deepest nesting of arrays and objects a request body may have. */
export const MAX_JSON_DEPTH = 64;

/** In `u` mode a surrogate pair is one code point, so this matches only an unpaired half. */
const LONE_SURROGATE = /[\uD800-\uDFFF]/u;

/**
 * Violations of the JSON shape every body must have: no key or string with a lone surrogate,
 * no nesting deeper than {@link MAX_JSON_DEPTH}. Walks iteratively (a deep body must not
 * overflow the stack here either) and reports at most 20.
 */
function jsonShapeViolations(root: unknown): Violation[] {
  const out: Violation[] = [];
  const stack: { value: unknown; pointer: string; depth: number }[] = [
    { value: root, pointer: '/body', depth: 0 },
  ];
  while (stack.length > 0 && out.length < 20) {
    const { value, pointer, depth } = stack.pop() as { value: unknown; pointer: string; depth: number };
    if (typeof value === 'string') {
      if (LONE_SURROGATE.test(value)) out.push(unicodeViolation(pointer));
      continue;
    }
    if (typeof value !== 'object' || value === null) continue;
    if (depth >= MAX_JSON_DEPTH) {
      out.push({
        pointer,
        rule: 'max-depth',
        message: `JSON nests deeper than ${MAX_JSON_DEPTH} levels`,
        hint: 'Flatten the document',
      });
      break;
    }
    const entries: [string, unknown][] = Array.isArray(value)
      ? value.map((item, i) => [String(i), item])
      : Object.entries(value);
    for (const [key, item] of entries) {
      const at = `${pointer}/${key.replaceAll('~', '~0').replaceAll('/', '~1')}`;
      if (!Array.isArray(value) && LONE_SURROGATE.test(key)) out.push(unicodeViolation(at));
      stack.push({ value: item, pointer: at, depth: depth + 1 });
    }
  }
  return out;
}

function unicodeViolation(pointer: string): Violation {
  return {
    pointer,
    rule: 'unicode',
    message: 'text must be well-formed Unicode (no lone surrogates)',
    hint: 'Remove or replace the unpaired \\uD800-\\uDFFF escape',
  };
}
