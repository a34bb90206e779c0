import * as v from 'valibot';
import type { HttpMethod, Route } from '../../shared/http/route.ts';

/** A marker put into every sample document, so that a leak of it into another tenant's response is easy to spot. */
export const SAMPLE_MARKER = 'sample-marker-7f3a';

/** The content sample writes store (small, nested, with every JSON type). */
export const SAMPLE_CONTENT = {
  marker: SAMPLE_MARKER,
  replicas: 3,
  enabled: true,
  tags: ['a', 'b'],
  limits: { cpu: '500m', memory: '256Mi' },
  optional: null,
};

/**
 * A concrete, valid request for one route of the route table, derived from
 * the route's own schemas: the suites and the bench build their requests
 * from it, so a route added later joins them without edits here.
 */
export interface RouteSample {
  route: Route;
  method: HttpMethod;
  /** Concrete path, parameters filled in. */
  path: string;
  query: Record<string, string>;
  /** Media type and text of the body, for routes that take one. */
  contentType?: string;
  body?: string;
  /** Extra headers the route requires (If-Match excluded). */
  headers: Record<string, string>;
  /** The route documents If-Match: send the ETag of {@link RouteSample.resourcePath}. */
  usesIfMatch: boolean;
  /** The GET path whose ETag an If-Match refers to (the longest GET route that prefixes this one). */
  resourcePath: string | undefined;
  /** False when no candidate passed one of the route's schemas (the sample is then a best effort). */
  complete: boolean;
}

/** Path parameter values tried in order; the first the route's schema accepts wins. */
const PARAM_CANDIDATES: Record<string, string[]> = {
  env: ['dev', 'staging'],
  service: ['api', 'web'],
  instance: ['i-1', 'i-2'],
};
const GENERIC_PARAM_CANDIDATES = [
  'sample',
  'sample-1',
  '1',
  'dev',
  'a',
  'cr-000000000-0123456789abcdef',
  '00000000-0000-4000-8000-000000000000',
  '01J00000000000000000000000',
];

/** Query values tried for a key the route's query schema declares. */
const QUERY_VALUES: Record<string, string> = { from: '1', to: '2', version: '1', limit: '20' };

const REASON = 'sample change';

/** Body candidates per media type, tried in order. */
const BODY_CANDIDATES: Record<string, unknown[]> = {
  'application/json': [
    { content: SAMPLE_CONTENT, reason: REASON },
    { toVersion: 1, reason: REASON },
    { reason: REASON },
    { decision: 'approve', reason: REASON },
    {},
  ],
  'application/merge-patch+json': [{ replicas: 4, limits: { cpu: '750m' } }],
  'application/json-patch+json': [[{ op: 'replace', path: '/replicas', value: 5 }]],
};

/** Routes that need a sample the candidates above cannot produce: add them here. */
export const SAMPLE_OVERRIDES: Record<
  string,
  Partial<Pick<RouteSample, 'query' | 'contentType' | 'body' | 'headers'>>
> = {
  // Service accounts (issue 15): a real role, and the deletion reason header.
  createServiceAccount: {
    contentType: 'application/json',
    body: JSON.stringify({ name: 'sample', roles: ['viewer:dev'], reason: `${REASON} ${SAMPLE_MARKER}` }),
  },
  deleteServiceAccount: { headers: { 'plumbline-reason': REASON } },
  // Secrets (issue 13): a value or `generate` is required, and a criticality and a category.
  putSecret: {
    contentType: 'application/json',
    body: JSON.stringify({
      value: `sample-value-${SAMPLE_MARKER}`,
      criticality: 'standard',
      category: 'application',
      description: SAMPLE_MARKER,
      reason: REASON,
    }),
  },
  // Clusters (issue 14): a push cluster needs no endpoint nor credentials, so the local runtime registers it.
  registerCluster: {
    contentType: 'application/json',
    body: JSON.stringify({ name: SAMPLE_MARKER, env: 'dev', auth: { type: 'push' } }),
  },
  // What `kubectl get deploy,sts,hpa -A -o json` prints for a cluster with no workloads.
  pushObservations: {
    contentType: 'application/json',
    body: JSON.stringify({ apiVersion: 'v1', kind: 'List', items: [] }),
  },
  // Layers and validation (issue 4): bodies the generic candidates cannot produce.
  putSchema: {
    contentType: 'application/json',
    body: JSON.stringify({ schema: { type: 'object', description: SAMPLE_MARKER }, reason: REASON }),
  },
  putPolicy: {
    contentType: 'application/json',
    body: JSON.stringify({
      policy: { requiredLabels: [], allowedRegistries: [SAMPLE_MARKER] },
      reason: REASON,
    }),
  },
  validateServiceLayer: {
    contentType: 'application/json',
    body: JSON.stringify({ content: SAMPLE_CONTENT }),
  },
  importSnapshot: {
    contentType: 'application/json',
    body: JSON.stringify({
      documents: [{ collection: 'settings', key: 'envs/dev/services/api', content: SAMPLE_CONTENT }],
    }),
  },
  ...Object.fromEntries(
    ['Global', 'Env', 'Service', 'Instance'].map((name) => [
      `tagSettings${name}`,
      { contentType: 'application/json', body: JSON.stringify({ version: 1, tag: 'v1.0.0' }) },
    ]),
  ),
};

/**
 * Builds the sample request of a route, optionally with other parameter
 * values (`{ env: 'prod' }`).
 *
 * @example const s = sampleFor(route); await send(url, { method: s.method, path: urlOf(s), ... })
 */
export function sampleFor(
  route: Route,
  routes: readonly Route[],
  names: Record<string, string> = {},
): RouteSample {
  let complete = true;
  const params = chooseParams(route, names);
  if (!params) complete = false;
  const filled = params ?? fallbackParams(route, names);
  const path = fillPath(route.path, filled);

  const query = chooseQuery(route);
  if (!query) complete = false;

  let contentType: string | undefined;
  let body: string | undefined;
  if (route.body) {
    const types = Object.keys(route.body);
    contentType = types[0];
    for (const type of types) {
      const schema = route.body[type];
      const candidates = [...(BODY_CANDIDATES[type] ?? []), ...(schema ? [exampleOf(schema)] : [])];
      const found = candidates.find((c) => c !== undefined && schema && v.safeParse(schema, c).success);
      if (found !== undefined) {
        contentType = type;
        body = JSON.stringify(found);
        break;
      }
    }
    if (body === undefined) {
      complete = false;
      body = '{}';
    }
  }

  const headers: Record<string, string> = {};
  let usesIfMatch = false;
  for (const header of Object.values(route.requestHeaders ?? {})) {
    const name = header.name.toLowerCase();
    if (name === 'if-match') usesIfMatch = true;
    else if (header.required) headers[name] = name.includes('reason') ? REASON : 'sample';
  }

  const override = SAMPLE_OVERRIDES[route.id] ?? {};
  const resource = resourceRouteOf(route, routes);
  return {
    route,
    method: route.method,
    path,
    query: override.query ?? query ?? {},
    ...((override.contentType ?? contentType)
      ? { contentType: (override.contentType ?? contentType) as string }
      : {}),
    ...((override.body ?? body) ? { body: (override.body ?? body) as string } : {}),
    headers: { ...headers, ...override.headers },
    usesIfMatch,
    resourcePath: resource ? fillPath(resource.path, filled) : undefined,
    complete,
  };
}

/** Path and query string of a sample. */
export function urlOf(sample: Pick<RouteSample, 'path' | 'query'>): string {
  const qs = new URLSearchParams(sample.query).toString();
  return qs ? `${sample.path}?${qs}` : sample.path;
}

/** The names of a path template's parameters. */
export function paramNames(template: string): string[] {
  return [...template.matchAll(/\{([^}]+)\}/g)].map((m) => m[1] as string);
}

/** Fills a path template's parameters (URL-encoding them). */
export function fillPath(template: string, params: Record<string, string>): string {
  return template.replace(/\{([^}]+)\}/g, (_, name: string) => encodeURIComponent(params[name] ?? 'x'));
}

function chooseParams(route: Route, names: Record<string, string>): Record<string, string> | undefined {
  const keys = paramNames(route.path);
  const out: Record<string, string> = {};
  for (const key of keys) {
    const candidates = names[key]
      ? [names[key]]
      : [...(PARAM_CANDIDATES[key] ?? []), ...GENERIC_PARAM_CANDIDATES];
    const ok = candidates.find(
      (c) =>
        !route.params ||
        v.safeParse(route.params, { ...fallbackParams(route, names), ...out, [key]: c }).success,
    );
    if (ok === undefined) return undefined;
    out[key] = ok;
  }
  if (route.params && !v.safeParse(route.params, out).success) return undefined;
  return out;
}

function fallbackParams(route: Route, names: Record<string, string>): Record<string, string> {
  return Object.fromEntries(
    paramNames(route.path).map((k) => [k, names[k] ?? PARAM_CANDIDATES[k]?.[0] ?? 'sample']),
  );
}

function chooseQuery(route: Route): Record<string, string> | undefined {
  if (!route.query) return {};
  if (v.safeParse(route.query, {}).success) return {};
  const entries = (route.query as unknown as { entries?: Record<string, unknown> }).entries ?? {};
  const all = Object.fromEntries(Object.keys(entries).map((k) => [k, QUERY_VALUES[k] ?? '1']));
  if (v.safeParse(route.query, all).success) return all;
  const generated = exampleOf(route.query);
  return generated && v.safeParse(route.query, generated).success
    ? (generated as Record<string, string>)
    : undefined;
}

/** Strings tried for a string schema with a pattern, in order. */
const STRING_CANDIDATES = [
  'sample',
  'dev',
  'sample-1',
  'a',
  '1',
  'sample change',
  'OPS-1',
  'v1.2.3',
  'Sample',
  'https://example.com/sample',
  'sample@example.com',
  '2026-01-01T00:00:00.000Z',
  '100m',
  '128Mi',
  'registry.example.com',
  'self.a == 1',
];

type Node = {
  type?: string;
  entries?: Record<string, Node>;
  wrapped?: Node;
  item?: Node;
  options?: unknown[];
  key?: Node | string;
  value?: Node;
  literal?: unknown;
  pipe?: { type: string; requirement?: unknown }[];
  getter?: (input: unknown) => Node;
};

/**
 * A value that satisfies a valibot schema, generated from its structure
 * (required keys, patterns, bounds, literals, picklists): the fallback for
 * routes whose bodies the candidates above do not fit. Booleans are `false`
 * and optional keys left out, to keep side effects small. `undefined` when the
 * schema has a part that cannot be introspected (and no candidate fits it).
 */
export function exampleOf(schema: unknown, name = ''): unknown {
  const node = schema as Node;
  const check = (value: unknown) => v.safeParse(schema as v.GenericSchema, value).success;
  const actions = node.pipe ?? [];
  switch (node.type) {
    case 'object':
    case 'strict_object':
    case 'loose_object':
    case 'object_with_rest': {
      const out: Record<string, unknown> = {};
      for (const [key, entry] of Object.entries(node.entries ?? {})) {
        if (['optional', 'exact_optional', 'nullish'].includes(entry.type ?? '')) continue;
        out[key] = exampleOf(entry, key);
      }
      return out;
    }
    case 'optional':
    case 'exact_optional':
    case 'nullish':
    case 'nullable':
    case 'non_optional':
    case 'non_nullable':
      return exampleOf(node.wrapped, name);
    case 'lazy':
      return node.getter ? exampleOf(node.getter(undefined), name) : undefined;
    case 'string': {
      const preferred = /reason|comment|message|description/i.test(name) ? ['sample change'] : [];
      const min = Number(actions.find((a) => a.type === 'min_length')?.requirement ?? 0);
      const candidates = [...preferred, ...STRING_CANDIDATES, 'x'.repeat(Math.max(1, min))];
      return candidates.find((c) => check(c)) ?? 'sample';
    }
    case 'number': {
      const min = actions.find((a) => a.type === 'min_value')?.requirement;
      return [1, typeof min === 'number' ? min : 0, 0, 10, 100].find((c) => check(c)) ?? 1;
    }
    case 'boolean':
      return false;
    case 'literal':
      return node.literal;
    case 'picklist':
    case 'enum':
      return node.options?.[0];
    case 'union':
    case 'variant':
      return (node.options ?? []).map((o) => exampleOf(o, name)).find((c) => check(c));
    case 'array': {
      const item = exampleOf(node.item, name);
      return item === undefined ? [] : [item];
    }
    case 'record':
      return { sample: exampleOf(node.value, 'sample') };
    case 'custom':
    case 'unknown':
    case 'any':
      return [SAMPLE_CONTENT, {}, 'sample', 1, []].find((c) => check(c));
    default:
      return undefined;
  }
}

/** The GET route whose path template is the longest segment-wise prefix of `route`'s (itself for GET routes). */
function resourceRouteOf(route: Route, routes: readonly Route[]): Route | undefined {
  const segments = route.path.split('/');
  let best: Route | undefined;
  for (const candidate of routes) {
    if (candidate.method !== 'GET') continue;
    const c = candidate.path.split('/');
    if (c.length > segments.length || c.some((s, i) => s !== segments[i])) continue;
    if (!best || c.length > best.path.split('/').length) best = candidate;
  }
  return best;
}

/** Keys that reach JavaScript's prototype machinery; the API refuses every body that carries one (400). */
export const PROTOTYPE_KEYS = ['__proto__', 'constructor', 'prototype'] as const;

/** JSON pointers through those keys, for JSON Patch `path` and `from`. */
export const PROTOTYPE_POINTERS = [
  '/__proto__',
  '/__proto__/polluted',
  '/constructor/prototype/polluted',
  '/limits/constructor',
  '/limits/prototype/x',
  '/tags/__proto__',
] as const;

/** What a hostile key carries: a `$profile` reference (reproduction 1 of issue 9) and a flag to pollute. */
const HOSTILE_VALUE = { $profile: 'sample', polluted: true, approvedChangeRequest: true };

/**
 * Variants of a sample body that carry a prototype key as an own property: each key of
 * {@link PROTOTYPE_KEYS} put into each object of the body (the top level, `content` and below),
 * plus, for a JSON Patch body, operations whose `path` and `from` run through
 * {@link PROTOTYPE_POINTERS}. Texts, because `JSON.stringify` of an object literal drops
 * `__proto__`.
 *
 * @example hostileBodies('{"content":{}}').includes('{"content":{"__proto__":{...}}}')
 */
export function hostileBodies(body: string | undefined): string[] {
  const parsed: unknown = JSON.parse(body ?? '{}');
  const out: string[] = [];
  const objects = (node: unknown, path: (string | number)[], found: (string | number)[][]): void => {
    if (Array.isArray(node)) {
      for (const [i, item] of node.entries()) objects(item, [...path, i], found);
    } else if (node !== null && typeof node === 'object') {
      found.push(path);
      for (const [key, child] of Object.entries(node)) objects(child, [...path, key], found);
    }
  };
  const places: (string | number)[][] = [];
  objects(parsed, [], places);
  for (const place of places) {
    for (const key of PROTOTYPE_KEYS) {
      const copy = structuredClone(parsed);
      const target = place.reduce<any>((node, token) => node[token], copy);
      Object.defineProperty(target, key, {
        value: HOSTILE_VALUE,
        enumerable: true,
        writable: true,
        configurable: true,
      });
      out.push(JSON.stringify(copy));
    }
  }
  if (Array.isArray(parsed)) {
    for (const pointer of PROTOTYPE_POINTERS) {
      out.push(JSON.stringify([{ op: 'add', path: pointer, value: HOSTILE_VALUE }]));
      out.push(JSON.stringify([{ op: 'copy', from: pointer, path: '/copied' }]));
    }
  }
  return out;
}

/**
 * True when a request body, read as JSON, carries a prototype key anywhere or (for a JSON Patch)
 * a `path`/`from` pointer through one: the oracle for "such a body is never accepted". False
 * for text that is not JSON.
 */
export function carriesPrototypeKey(body: string, jsonPatch: boolean): boolean {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return false;
  }
  const hostile = new Set<string>(PROTOTYPE_KEYS);
  // Iterative: fuzz bodies nest thousands of levels deep.
  const walk = (root: unknown): boolean => {
    const stack = [root];
    while (stack.length > 0) {
      const node = stack.pop();
      if (node === null || typeof node !== 'object') continue;
      for (const key of Object.keys(node)) {
        if (!Array.isArray(node) && hostile.has(key)) return true;
        stack.push((node as Record<string, unknown>)[key]);
      }
    }
    return false;
  };
  const throughPointer = (op: unknown): boolean =>
    op !== null &&
    typeof op === 'object' &&
    ['path', 'from'].some((field) => {
      const pointer = Object.hasOwn(op, field) ? (op as Record<string, unknown>)[field] : undefined;
      return (
        typeof pointer === 'string' &&
        pointer
          .split('/')
          .slice(1)
          .some((token) => hostile.has(token.replaceAll('~1', '/').replaceAll('~0', '~')))
      );
    });
  return walk(parsed) || (jsonPatch && Array.isArray(parsed) && parsed.some(throughPointer));
}
