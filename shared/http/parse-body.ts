import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import {
  appendViolations,
  PayloadTooLargeError,
  UnsupportedMediaTypeError,
  unlistedViolation,
  type Violation,
} from '../domain/errors.ts';
import { forbiddenKeyViolations } from './forbidden-keys.ts';
import { parsePart } from './parse-part.ts';
import type { Route } from './route.ts';

/** Largest request body accepted, before any parsing (content itself is capped at 256 KiB). */
export const MAX_BODY_BYTES = 1024 * 1024;

/**
 * Reads, checks and validates the body of a route that declares one: size,
 * content type, JSON (or YAML, or a form), the shape every body must have
 * (well-formed Unicode, bounded depth, no prototype keys), then the route's
 * schema for that content type; bad input is pushed onto `violations`.
 * `json` is the body as parsed once it has that shape, whether or not the
 * schema accepts it (for the route's `bodyChecks`). In a
 * module of its own: `runRoute` imports it for routes with a body only, so
 * a Lambda's cold start does not load it for routes that have none.
 *
 * @example const { body, contentType } = await parseBody(route, event, headers, violations);
 */
export async function parseBody(
  route: Route,
  event: APIGatewayProxyEventV2,
  headers: Record<string, string>,
  violations: Violation[],
): Promise<{ body: unknown; contentType: string | undefined; json?: unknown }> {
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
      body: await parsePart(schema, Object.fromEntries(new URLSearchParams(raw)), '/body', violations),
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
    appendViolations(
      shapeViolations,
      forbiddenKeyViolations(parsed, contentType === 'application/json-patch+json'),
    );
  }
  if (shapeViolations.length > 0) {
    appendViolations(violations, shapeViolations);
    return { body: undefined, contentType };
  }
  return { body: await parsePart(schema, parsed, '/body', violations), contentType, json: parsed };
}

/** Deepest nesting of arrays and objects a request body may have. */
export const MAX_JSON_DEPTH = 64;

/** Most shape violations (lone surrogates, too deep) listed for one body: the rest are counted. */
export const MAX_SHAPE_VIOLATIONS = 20;

/** In `u` mode a surrogate pair is one code point, so this matches only an unpaired half. */
const LONE_SURROGATE = /[\uD800-\uDFFF]/u;

/**
 * Violations of the JSON shape every body must have: no key or string with a lone surrogate,
 * no nesting deeper than {@link MAX_JSON_DEPTH}. Walks iteratively (a deep body must not
 * overflow the stack here either), stops at the first place too deep, and lists at most
 * {@link MAX_SHAPE_VIOLATIONS}, counting the rest in one last `violations.unlisted`.
 */
function jsonShapeViolations(root: unknown): Violation[] {
  const out: Violation[] = [];
  let unlisted = 0;
  const report = (violation: Violation): void => {
    if (out.length < MAX_SHAPE_VIOLATIONS) out.push(violation);
    else unlisted += 1;
  };
  const stack: { value: unknown; pointer: string; depth: number }[] = [
    { value: root, pointer: '/body', depth: 0 },
  ];
  while (stack.length > 0) {
    const { value, pointer, depth } = stack.pop() as { value: unknown; pointer: string; depth: number };
    if (typeof value === 'string') {
      if (LONE_SURROGATE.test(value)) report(unicodeViolation(pointer));
      continue;
    }
    if (typeof value !== 'object' || value === null) continue;
    if (depth >= MAX_JSON_DEPTH) {
      report({
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
      if (!Array.isArray(value) && LONE_SURROGATE.test(key)) report(unicodeViolation(at));
      stack.push({ value: item, pointer: at, depth: depth + 1 });
    }
  }
  if (unlisted > 0) out.push(unlistedViolation(unlisted, '/body'));
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
