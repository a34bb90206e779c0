import * as v from 'valibot';
import type { Route } from '../../shared/http/route.ts';
import { bearer, jsonOf, type RawResponse, send } from './http-client.ts';
import { until } from './poll-until.ts';
import { exampleOf, paramNames, type RouteSample, SAMPLE_MARKER, sampleFor, urlOf } from './route-samples.ts';

/** What seeding a tenant produced. */
export interface SeedResult {
  /** Route samples aimed at the tenant's real resources (an `{id}` filled with an id it created). */
  samples: { route: Route; sample: RouteSample }[];
  /** Ids of resources the tenant's writes created (change requests, clusters, scans, reports ...). */
  ids: string[];
  /** PUT routes whose sample the tenant could not create (status and body). */
  failures: string[];
}

/**
 * Sends a sample request with the current ETag of its resource when the route takes If-Match.
 *
 * @example await sendSample(url, token, sample)
 */
export async function sendSample(
  baseUrl: string,
  token: string | undefined,
  sample: RouteSample,
  ifMatch?: string,
): Promise<RawResponse> {
  return send(baseUrl, {
    method: sample.method,
    path: urlOf(sample),
    headers: {
      ...(token === undefined ? {} : bearer(token)),
      ...sample.headers,
      ...(sample.contentType ? { 'content-type': sample.contentType } : {}),
      ...(sample.usesIfMatch && ifMatch ? { 'if-match': ifMatch } : {}),
    },
    ...(sample.body === undefined ? {} : { body: sample.body }),
  });
}

/** The ETag of a sample's resource as `token` sees it. */
export async function etagOf(
  baseUrl: string,
  token: string,
  sample: RouteSample,
): Promise<string | undefined> {
  if (!sample.resourcePath) return undefined;
  return (await send(baseUrl, { method: 'GET', path: sample.resourcePath, headers: bearer(token) })).headers
    .etag;
}

/**
 * Gives a tenant one of everything the route table can create: every PUT
 * route's sample twice (versions 1 and 2), a protected `prod` environment
 * with an approver and the same writes there (change requests), then every
 * POST and PATCH once (unless `postsAndPatches: false`). `marker` replaces the sample marker in the bodies, so
 * that the tenant's data can be recognised anywhere.
 */
export async function seedTenant(
  baseUrl: string,
  token: string,
  routes: readonly Route[],
  options: { marker?: string; postsAndPatches?: boolean } = {},
): Promise<SeedResult> {
  const marker = options.marker ?? SAMPLE_MARKER;
  const mark = (sample: RouteSample): RouteSample =>
    sample.body === undefined ? sample : { ...sample, body: sample.body.replaceAll(SAMPLE_MARKER, marker) };
  const write = async (sample: RouteSample) =>
    sendSample(baseUrl, token, mark(sample), await etagOf(baseUrl, token, sample));
  const ids: string[] = [];
  const failures: string[] = [];
  const harvest = (res: RawResponse, into: string[] = ids) => {
    const answer = jsonOf(res) as Record<string, unknown> | undefined;
    for (const key of ID_KEYS) {
      const id = answer?.[key];
      if (typeof id === 'string' && !ids.includes(id)) {
        ids.push(id);
        if (into !== ids) into.push(id);
      }
    }
  };

  const puts = routes.filter((r) => r.method === 'PUT').sort((a, b) => a.path.length - b.path.length);
  for (const route of puts) {
    const sample = sampleFor(route, routes);
    for (let i = 0; i < 2; i++) {
      const res = await write(sample);
      harvest(res);
      if (i === 0 && res.status >= 300)
        failures.push(`${sample.method} ${sample.path}: ${res.status} ${res.text.slice(0, 300)}`);
    }
  }

  const environments = routes.find((r) => r.method === 'PUT' && r.path === '/v1/environments/{env}');
  const envBody = environments?.body?.['application/json'];
  if (environments && envBody) {
    const approvers = exampleOf((envBody as { entries?: Record<string, unknown> }).entries?.approvers);
    const body = { ...(exampleOf(envBody) as Record<string, unknown>), protected: true, approvers };
    if (v.safeParse(envBody, body).success) {
      await sendSample(baseUrl, token, {
        ...sampleFor(environments, routes, { env: 'prod' }),
        body: JSON.stringify(body),
      });
    }
  }
  for (const route of puts.filter((r) => r.path.includes('{env}')))
    harvest(await write(sampleFor(route, routes, { env: 'prod' })));
  if (options.postsAndPatches !== false) {
    // Aimed at what earlier POSTs created (a cluster's observations and scans), never at the change
    // requests above, which stay pending for the suites.
    const created: string[] = [];
    for (const route of routes.filter((r) => r.method === 'POST' || r.method === 'PATCH')) {
      harvest(await write(sampleFor(route, routes, aimedAt(route, created))), created);
    }
    // Asynchronous work (a scan) is awaited, and what it made (its report) harvested.
    for (const route of routes.filter((r) => r.method === 'GET' && paramNames(r.path).length > 0)) {
      const names = aimedAt(route, created);
      if (Object.keys(names).length < paramNames(route.path).length) continue;
      const sample = sampleFor(route, routes, names);
      harvest(
        await until(async () => {
          const res = await sendSample(baseUrl, token, sample);
          const state = (jsonOf(res) as { state?: unknown } | undefined)?.state;
          return state === 'queued' || state === 'running' ? undefined : res;
        }),
      );
    }
  }

  const samples = routes.map((route) => ({ route, sample: sampleFor(route, routes, aimedAt(route, ids)) }));
  return { samples, ids, failures };
}

/** The answer keys that name a created resource. */
const ID_KEYS = ['id', 'scanId', 'reportId'];

/** Values for a route's id parameters (`{id}`, `{scanId}`): the first of `ids` each one's schema accepts. */
function aimedAt(route: Route, ids: readonly string[]): Record<string, string> {
  const entries = (route.params as { entries?: Record<string, v.GenericSchema> } | undefined)?.entries ?? {};
  const names: Record<string, string> = {};
  for (const name of paramNames(route.path).filter((n) => n === 'id' || n.endsWith('Id'))) {
    const schema = entries[name];
    const id = schema && ids.find((c) => v.safeParse(schema, c).success);
    if (id) names[name] = id;
  }
  return names;
}
