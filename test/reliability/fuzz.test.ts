import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalRuntime, startLocalRuntime } from '../../shared/composition/local-runtime.ts';
import type { Route } from '../../shared/http/route.ts';
import { routeTable } from '../../shared/http/route-table.ts';
import { bearer, type RawRequest, type RawResponse, send } from '../support/http-client.ts';
import { expectWellFormed } from '../support/problem-assertions.ts';
import {
  expectPrototypesUnchanged,
  type PrototypeSnapshot,
  snapshotPrototypes,
} from '../support/prototype-guard.ts';
import {
  carriesPrototypeKey,
  hostileBodies,
  PROTOTYPE_POINTERS,
  paramNames,
  type RouteSample,
  sampleFor,
} from '../support/route-samples.ts';
import { silentLogger } from '../support/silent-logger.ts';
import { snapshotTable } from '../support/table-snapshot.ts';
import { seedTenant } from '../support/tenant-seed.ts';

/**
 * Fuzzes every route of the route table with random and malformed paths,
 * headers, bodies, content types, patch documents and unicode. Every answer
 * is a success or a well-formed problem, never a 5xx, and a rejected request
 * leaves the table exactly as it was. `Object.prototype` and `Array.prototype`
 * are unchanged after every case, and a JSON body carrying a prototype key
 * (`__proto__`, `constructor`, `prototype`, also as a JSON Patch pointer) is
 * never accepted (issue 9). `FUZZ_RUNS` raises the runs per route
 * (CI keeps the default), `FUZZ_SEED` replays a failure.
 */

const RUNS = Number(process.env.FUZZ_RUNS ?? 15);
const SEED = process.env.FUZZ_SEED === undefined ? undefined : Number(process.env.FUZZ_SEED);
const tenant = `fz${Date.now().toString(36)}`;

let runtime: LocalRuntime;
let tokens: Record<'admin' | 'viewer' | 'devEditor', string>;
let lastSnapshot = '';
/** The prototypes as they were before the first case (the runtime runs in this process). */
let prototypes: PrototypeSnapshot;
/** Each route's sample, aimed at the seeded tenant's resources. */
const samples = new Map<Route, RouteSample>();
const sampleOf = (route: Route): RouteSample => samples.get(route) ?? sampleFor(route, routeTable);

beforeAll(async () => {
  runtime = await startLocalRuntime({ logger: silentLogger, port: 0 });
  tokens = {
    admin: await runtime.tokens.issue({
      tenantId: tenant,
      userId: 'fuzzer',
      roles: ['admin'],
      ttlSeconds: 3600,
    }),
    viewer: await runtime.tokens.issue({
      tenantId: tenant,
      userId: 'fuzzer',
      roles: ['viewer'],
      ttlSeconds: 3600,
    }),
    devEditor: await runtime.tokens.issue({
      tenantId: tenant,
      userId: 'fuzzer',
      roles: ['editor:dev'],
      ttlSeconds: 3600,
    }),
  };
  // Resources to aim at: one of everything the route table can create (change requests included).
  const seeded = await seedTenant(runtime.url, tokens.admin, routeTable);
  for (const { route, sample } of seeded.samples) samples.set(route, sample);
  lastSnapshot = await settledSnapshot(await snapshotTable(runtime));
  prototypes = snapshotPrototypes();
}, 60_000);

afterAll(async () => {
  await runtime.close();
});

async function currentEtag(sample: RouteSample): Promise<string | undefined> {
  if (!sample.resourcePath) return undefined;
  return (
    await send(runtime.url, { method: 'GET', path: sample.resourcePath, headers: bearer(tokens.admin) })
  ).headers.etag;
}

/** Sends one request and checks the invariants: well-formed answer, and nothing changed unless it succeeded. */
async function sendAndAssess(req: RawRequest, context: string, route?: Route): Promise<RawResponse> {
  const res = await send(runtime.url, req);
  const label = `${context}: ${req.method} ${req.path} ${JSON.stringify(req.headers ?? {}).slice(0, 400)} body=${String(
    typeof req.body === 'string'
      ? req.body.slice(0, 300)
      : req.body === undefined
        ? ''
        : `<${req.body.length} bytes>`,
  )}`;
  expectWellFormed(res, label, route ? { documented: route.responses } : {});
  expectPrototypesUnchanged(prototypes, `after ${label}`);
  const now = await snapshotTable(runtime);
  if (res.status >= 300) {
    const before = splitChangeLog(lastSnapshot);
    const after = splitChangeLog(now);
    expect(after.data === before.data, `${label} -> ${res.status} changed the table`).toBe(true);
    const announced = [...after.announced].filter((id) => !before.announced.has(id));
    expect(announced, `${label} -> ${res.status} left an announcement`).toEqual([]);
    const logged = after.log.filter((item) => !before.log.includes(item));
    expect(
      logged.every(isHeadOrVoid),
      `${label} -> ${res.status} logged more than a void change: ${logged.join(' ')}`,
    ).toBe(true);
  }
  // A request that succeeded may have started background work (an approval workflow's steps, a
  // drift scan) that writes after the answer: the next request is judged against the table once
  // that work has settled, not blamed for it.
  lastSnapshot = res.status < 300 ? await settledSnapshot(now) : now;
  return res;
}

/**
 * A snapshot split into the tenant data, the announcements and the change log (issue 11). A
 * write takes its change-log number in its read round, before it knows whether it will be
 * refused; a refused write then marks that number `void` before answering, so readers skip it.
 * Any request may clear the announcements of earlier writes that have landed. So the data must
 * not move at all, announcements may only go, and the log may only gain the head's bump and void
 * marks.
 */
function splitChangeLog(snapshot: string): { data: string; announced: Set<string>; log: string[] } {
  const items = JSON.parse(snapshot) as {
    pk: { S: string };
    sk: { S: string };
    pending?: { SS: string[] };
  }[];
  const announced = new Set<string>();
  const data: string[] = [];
  const log: string[] = [];
  for (const item of items) {
    if (item.pk.S.endsWith('#!changes')) {
      log.push(JSON.stringify(item));
      continue;
    }
    const { pending, ...rest } = item;
    data.push(JSON.stringify(rest));
    for (const id of pending?.SS ?? []) announced.add(`${item.pk.S} ${item.sk.S} ${id}`);
  }
  return { data: data.join('\n'), announced, log };
}

/** True for the change log's head or a `void` mark (see {@link splitChangeLog}). */
function isHeadOrVoid(text: string): boolean {
  const item = JSON.parse(text) as { sk: { S: string }; kind?: { S: string } };
  return item.sk.S === '~head' || item.kind?.S === 'void';
}

/** The table once two snapshots taken 150 ms apart agree (at most 10 s). */
async function settledSnapshot(first: string): Promise<string> {
  let previous = first;
  for (const deadline = Date.now() + 10_000; Date.now() < deadline; ) {
    await new Promise((resolve) => setTimeout(resolve, 150));
    const next = await snapshotTable(runtime);
    if (next === previous) return next;
    previous = next;
  }
  return previous;
}

// ---- arbitraries -------------------------------------------------------------------------------

/** Percent-encodes any text, lone surrogates included (as their WTF-8 bytes, which are not valid UTF-8). */
function pctEncode(text: string): string {
  let out = '';
  for (const ch of text) {
    try {
      out += encodeURIComponent(ch);
    } catch {
      const c = ch.charCodeAt(0);
      out += [0xe0 | (c >> 12), 0x80 | ((c >> 6) & 0x3f), 0x80 | (c & 0x3f)]
        .map((b) => `%${b.toString(16).toUpperCase()}`)
        .join('');
    }
  }
  return out;
}

const loneSurrogate = fc.integer({ min: 0xd800, max: 0xdfff }).map((c) => String.fromCharCode(c));
/** Unicode text: any code point, lone surrogates, and the strings that break naive code. */
const nastyString = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 30 }),
  fc.string({
    unit: fc.oneof(loneSurrogate, fc.constantFrom('a', '/', '~', '#', '\u0000', '"', '\\')),
    maxLength: 10,
  }),
  fc.constantFrom(
    '',
    ' ',
    '__proto__',
    'constructor',
    'prototype',
    'toString',
    '../..',
    '%00',
    '\u0024{x}',
    '\u202e',
    'é',
    '🙂',
    'a'.repeat(1001),
  ),
);
/** Characters node:http lets through in a header value (tab, printable ASCII, Latin-1). */
const headerChar = fc
  .oneof(fc.integer({ min: 0x20, max: 0x7e }), fc.integer({ min: 0xa0, max: 0xff }))
  .map((c) => String.fromCharCode(c));
const headerValue = fc.string({ unit: headerChar, maxLength: 60 });

const jsonValue = fc.jsonValue({ maxDepth: 4, stringUnit: 'binary' });
const keyArb = fc.oneof(
  fc.string({ maxLength: 8 }),
  fc.constantFrom('__proto__', 'constructor', '', '/', '~1', 'a/b'),
);
const objectArb = fc.dictionary(keyArb, jsonValue, { maxKeys: 6 });
const pointerArb = fc.oneof(
  fc.constantFrom(
    '',
    '/',
    '/replicas',
    '/limits/cpu',
    '/tags/0',
    '/tags/-',
    '/tags/99',
    ...PROTOTYPE_POINTERS,
    '/a~2b',
    'no-slash',
    '/~',
  ),
  fc.array(fc.string({ maxLength: 6 }), { maxLength: 4 }).map((parts) => `/${parts.join('/')}`),
);
const patchOp = fc.record(
  {
    op: fc.oneof(
      fc.constantFrom('add', 'remove', 'replace', 'move', 'copy', 'test', '_get', 'ADD', ''),
      nastyString,
    ),
    path: fc.oneof(pointerArb, jsonValue),
    from: pointerArb,
    value: jsonValue,
  },
  { requiredKeys: [] },
);
const deepJson = fc.integer({ min: 1, max: 6000 }).map((n) => `${'['.repeat(n)}${']'.repeat(n)}`);
const deepObject = fc
  .integer({ min: 100, max: 3000 })
  .map((n) => `{"content":${'{"a":'.repeat(n)}1${'}'.repeat(n)},"reason":"deep"}`);

function bodyArb(sample: RouteSample): fc.Arbitrary<string | Uint8Array | undefined> {
  const valid = sample.body ?? '{}';
  const parsed = JSON.parse(valid) as unknown;
  const mutated =
    parsed && typeof parsed === 'object' && !Array.isArray(parsed)
      ? fc
          .tuple(
            fc.constantFrom(...Object.keys(parsed), 'extra', '__proto__'),
            fc.option(jsonValue, { nil: undefined }),
          )
          .map(([key, value]) => {
            const copy: Record<string, unknown> = { ...(parsed as Record<string, unknown>) };
            // defineProperty: a plain assignment of `__proto__` would set the prototype and send nothing.
            if (value === undefined) delete copy[key];
            else
              Object.defineProperty(copy, key, {
                value,
                enumerable: true,
                writable: true,
                configurable: true,
              });
            return JSON.stringify(copy);
          })
      : fc.constant(valid);
  const hostile = hostileBodies(valid);
  return fc.oneof(
    { weight: 3, arbitrary: fc.constant(valid) },
    { weight: 4, arbitrary: mutated },
    {
      weight: hostile.length > 0 ? 3 : 0,
      arbitrary: fc.constantFrom(...(hostile.length > 0 ? hostile : [valid])),
    },
    { weight: 2, arbitrary: jsonValue.map((v) => JSON.stringify(v)) },
    {
      weight: 2,
      arbitrary: fc
        .record(
          { content: objectArb, reason: nastyString, ticket: nastyString },
          { requiredKeys: ['content'] },
        )
        .map((v) => JSON.stringify(v)),
    },
    { weight: 3, arbitrary: fc.array(patchOp, { maxLength: 5 }).map((ops) => JSON.stringify(ops)) },
    { weight: 2, arbitrary: objectArb.map((v) => JSON.stringify(v)) },
    {
      weight: 1,
      arbitrary: fc
        .record({ toVersion: fc.oneof(fc.integer(), fc.double(), nastyString), reason: nastyString })
        .map((v) => JSON.stringify(v)),
    },
    { weight: 2, arbitrary: nastyString },
    { weight: 1, arbitrary: fc.uint8Array({ maxLength: 64 }) },
    { weight: 1, arbitrary: deepJson },
    { weight: 1, arbitrary: deepObject },
    {
      weight: 1,
      arbitrary: fc.constantFrom(
        undefined,
        '',
        'null',
        '[]',
        '{}',
        '{"content":{},"reason":" "}',
        'x'.repeat(1024 * 1024 + 10),
      ),
    },
    {
      weight: 1,
      arbitrary: fc.constant(JSON.stringify({ content: { big: 'y'.repeat(300 * 1024) }, reason: 'too big' })),
    },
  );
}

const segmentArb = fc.oneof(
  nastyString.map(pctEncode),
  fc.constantFrom(
    '',
    '.',
    '..',
    '%',
    '%ZZ',
    '%2F',
    '%2e%2e',
    'A',
    '-a',
    'a'.repeat(64),
    'dev%00',
    'dev;x',
    'dev?',
    '%F0%9F',
  ),
);

function pathArb(route: Route, sample: RouteSample): fc.Arbitrary<{ path: string; sampleParams: boolean }> {
  const names = paramNames(route.path);
  const fuzzedParams = fc
    .array(fc.option(segmentArb, { nil: undefined }), { minLength: names.length, maxLength: names.length })
    .map((values) => {
      let i = 0;
      const validSegments = sample.path.split('/');
      const path = route.path
        .split('/')
        .map((seg, at) => (seg.startsWith('{') ? (values[i++] ?? validSegments[at]) : seg))
        .join('/');
      return { path, sampleParams: false };
    });
  const valid = { path: sample.path, sampleParams: true };
  return fc.oneof(
    { weight: 5, arbitrary: fc.constant(valid) },
    { weight: names.length > 0 ? 3 : 0, arbitrary: fuzzedParams },
    {
      weight: 1,
      arbitrary: fc
        .constantFrom(`${sample.path}/`, `${sample.path}//`, `/${sample.path}`, sample.path.toUpperCase())
        .map((path) => ({ path, sampleParams: false })),
    },
    { weight: 1, arbitrary: segmentArb.map((s) => ({ path: `${sample.path}/${s}`, sampleParams: false })) },
  );
}

function queryArb(sample: RouteSample): fc.Arbitrary<string> {
  const keys = [...Object.keys(sample.query), 'version', 'limit', 'cursor', 'from', 'to'];
  const value = fc.oneof(
    fc.constantFrom(
      '1',
      '2',
      '0',
      '-1',
      '1.5',
      '999999999999',
      '9999999999999',
      '',
      'abc',
      'eyJiIjo1fQ',
      'eyJiIjoiYSJ9',
      '%ZZ',
    ),
    nastyString.map(pctEncode),
  );
  return fc.oneof(
    { weight: 4, arbitrary: fc.constant(new URLSearchParams(sample.query).toString()) },
    {
      weight: 4,
      arbitrary: fc
        .array(
          fc.tuple(fc.oneof(fc.constantFrom(...keys), fc.string({ maxLength: 5 }).map(pctEncode)), value),
          { maxLength: 4 },
        )
        .map((pairs) => pairs.map(([k, v]) => `${k}=${v}`).join('&')),
    },
  );
}

function headersArb(route: Route, sample: RouteSample): fc.Arbitrary<Record<string, string | null>> {
  const types = Object.keys(route.body ?? {});
  return fc.record(
    {
      authorization: fc.oneof(
        { weight: 6, arbitrary: fc.constant('admin') },
        { weight: 1, arbitrary: fc.constantFrom('viewer', 'devEditor') },
        {
          weight: 1,
          arbitrary: fc.constantFrom('', 'Bearer', 'Bearer ', 'Basic abc', 'Bearer a.b.c', 'bearer  x'),
        },
        { weight: 1, arbitrary: headerValue },
      ),
      'content-type': fc.oneof(
        { weight: 5, arbitrary: fc.constant(sample.contentType ?? 'application/json') },
        {
          weight: types.length > 0 ? 2 : 0,
          arbitrary: fc.constantFrom(...(types.length > 0 ? types : ['x'])),
        },
        {
          weight: 2,
          arbitrary: fc.constantFrom(
            'application/json; charset=utf-8',
            'APPLICATION/JSON',
            'text/plain',
            'application/xml',
            'application/json-patch+json',
            'application/merge-patch+json',
            'multipart/form-data; boundary=x',
            ';',
            'application/json;',
          ),
        },
        { weight: 1, arbitrary: headerValue },
      ),
      'if-match': fc.oneof(
        { weight: 5, arbitrary: fc.constant('current') },
        {
          weight: 2,
          arbitrary: fc.constantFrom(
            '"1"',
            '"2"',
            '*',
            'W/"1"',
            '"0"',
            '"999999999999"',
            '"abc"',
            '1',
            '"1", "2"',
            '""',
          ),
        },
        { weight: 1, arbitrary: headerValue },
      ),
      'plumbline-reason': fc.oneof(fc.constant('fuzz'), headerValue, fc.constant('r'.repeat(1500))),
      'plumbline-ticket': fc.oneof(fc.constant('OPS-1'), headerValue, fc.constant('t'.repeat(300))),
      'x-random': headerValue,
    },
    { requiredKeys: [] },
  );
}

function requestArb(route: Route) {
  const sample = sampleOf(route);
  return fc.record({
    method: fc.oneof(
      { weight: 8, arbitrary: fc.constant(route.method) },
      { weight: 1, arbitrary: fc.constantFrom('GET', 'PUT', 'PATCH', 'POST', 'DELETE', 'OPTIONS') },
    ),
    target: pathArb(route, sample),
    query: queryArb(sample),
    headers: headersArb(route, sample),
    body: bodyArb(sample),
  });
}

type FuzzRequest = ReturnType<typeof requestArb> extends fc.Arbitrary<infer T> ? T : never;

async function toRawRequest(r: FuzzRequest, sample: RouteSample): Promise<RawRequest> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(r.headers)) {
    if (value === null || value === undefined) continue;
    if (name === 'authorization') {
      headers.authorization = value in tokens ? `Bearer ${tokens[value as keyof typeof tokens]}` : value;
    } else if (name === 'if-match' && value === 'current') {
      const etag = r.target.sampleParams ? await currentEtag(sample) : '"1"';
      if (etag) headers['if-match'] = etag;
    } else {
      headers[name] = value;
    }
  }
  const sendsBody = !['GET', 'OPTIONS'].includes(r.method) || r.body !== undefined;
  return {
    method: r.method,
    path: r.query ? `${r.target.path}?${r.query}` : r.target.path,
    headers,
    ...(sendsBody && r.body !== undefined ? { body: r.body } : {}),
  };
}

// ---- properties ----------------------------------------------------------------------------------

describe('fuzzing every route of the route table', () => {
  for (const route of routeTable) {
    it(`answers ${route.method} ${route.path} with a success or a well-formed problem and changes nothing when it rejects`, async () => {
      const sample = sampleOf(route);
      await fc.assert(
        fc.asyncProperty(requestArb(route), async (r) => {
          const req = await toRawRequest(r, sample);
          const res = await sendAndAssess(req, route.id, route);
          const contentType = (req.headers?.['content-type'] ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
          const hostile =
            r.method === route.method &&
            r.target.sampleParams &&
            route.body?.[contentType] !== undefined &&
            contentType !== 'application/x-www-form-urlencoded' &&
            typeof req.body === 'string' &&
            carriesPrototypeKey(req.body, contentType === 'application/json-patch+json');
          if (hostile)
            expect(
              res.status,
              `${route.id} accepted a prototype key: ${String(req.body)}`,
            ).toBeGreaterThanOrEqual(300);
        }),
        { numRuns: RUNS, ...(SEED === undefined ? {} : { seed: SEED }) },
      );
    });
  }

  it('answers random paths and methods with a well-formed problem, never a 5xx, and changes nothing', async () => {
    const pathArbitrary = fc.oneof(
      fc.webPath(),
      fc.array(segmentArb, { maxLength: 6 }).map((segments) => `/v1/${segments.join('/')}`),
      fc.constantFrom(
        '/',
        '/v1',
        '/v1/',
        '/v1/settings',
        '/v1/settings/envs',
        '/v1/settings/envs/',
        '//v1/health',
        '/v1/health/',
        '/V1/HEALTH',
      ),
    );
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('GET', 'PUT', 'PATCH', 'POST', 'DELETE', 'OPTIONS'),
        pathArbitrary,
        fc.option(nastyString, { nil: undefined }),
        async (method, path, body) => {
          const safePath = path.startsWith('/') ? path.replace(/[^\u0021-\u007e]/g, pctEncode) : `/${path}`;
          const res = await sendAndAssess(
            {
              method,
              path: safePath,
              headers: { ...bearer(tokens.admin), 'content-type': 'application/json' },
              ...(body === undefined ? {} : { body }),
            },
            'random path',
          );
          expect(res.status).toBeLessThan(500);
        },
      ),
      { numRuns: RUNS * 4, ...(SEED === undefined ? {} : { seed: SEED }) },
    );
  });
});
