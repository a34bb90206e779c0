import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOCAL_AUDIENCE, LOCAL_ISSUER } from '../../shared/adapters/local/local-token-authority.ts';
import { type LocalRuntime, startLocalRuntime } from '../../shared/composition/local-runtime.ts';
import { ROLES } from '../../shared/domain/rbac.ts';
import type { Route } from '../../shared/http/route.ts';
import { routeTable } from '../../shared/http/route-table.ts';
import { jsonOf, type RawResponse } from '../support/http-client.ts';
import { expectProblem, expectWellFormed } from '../support/problem-assertions.ts';
import { paramNames, type RouteSample, sampleFor } from '../support/route-samples.ts';
import { silentLogger } from '../support/silent-logger.ts';
import { tenantItems } from '../support/table-snapshot.ts';
import { etagOf as etagOfResource, seedTenant, sendSample } from '../support/tenant-seed.ts';

/**
 * The tenant isolation matrix, driven by the route table: every route and
 * method, called by another tenant and with every kind of bad token,
 * against tenant A's resources.
 */

const run = Date.now().toString(36);
const A = `ta${run}`;
const B = `tb${run}`;
/** A tenant that never owns anything: what "does not exist" looks like. */
const C = `tc${run}`;
const USER = 'user-1';
/** A string only tenant A's documents contain. */
const A_SECRET = `a-only-${run}`;

let runtime: LocalRuntime;
/** PUT routes whose sample request tenant A could not create: the matrix would protect nothing there. */
const seedFailures: string[] = [];
/** Ids of resources tenant A created (change requests in protected environments, clusters, scans, reports, service accounts). */
let changeRequestIds: string[] = [];
const tokens: Record<string, string> = {};
/** Route samples, aimed at tenant A's resources once A is seeded. */
let samples = routeTable.map((route) => ({ route, sample: sampleFor(route, routeTable) }));
const protectedRoutes = () => samples.filter(({ route }) => route.permission !== null);
const label = (route: Route) => `${route.method} ${route.path}`;

async function etagOf(sample: RouteSample, token: string): Promise<string | undefined> {
  return etagOfResource(runtime.url, token, sample);
}

function call(sample: RouteSample, token: string | undefined, ifMatch?: string): Promise<RawResponse> {
  return sendSample(runtime.url, token, sample, ifMatch);
}

/** A response with everything that legitimately differs between two tenants masked. */
function normalized(res: RawResponse, tenant: string): unknown {
  const text = res.text.replaceAll(tenant, '<tenant>');
  const body = jsonOf({ ...res, text }) ?? text;
  const mask = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(mask);
    if (value && typeof value === 'object') {
      return Object.fromEntries(
        Object.entries(value as Record<string, unknown>)
          .filter(([k]) => !MASKED_KEYS.includes(k) && !k.endsWith('At'))
          .map(([k, v]) => [k, mask(v)]),
      );
    }
    // Timestamps and generated ids differ between any two requests.
    if (typeof value === 'string') {
      return value
        .replace(/\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z/g, '<time>')
        .replace(/cr-[0-9a-z]{9}-[0-9a-f]{8,32}/g, '<id>');
    }
    return value;
  };
  return { status: res.status, etag: res.headers.etag, body: mask(body) };
}

/** Keys whose values differ between any two requests: ids and generated credentials (a service account's). */
const MASKED_KEYS = ['requestId', 'instance', 'id', 'clientId', 'clientSecret'];

function expectNoTraceOfA(res: RawResponse, context: string): void {
  const all = `${JSON.stringify(res.headers)}\n${res.text}`;
  expect(all, context).not.toContain(A_SECRET);
  expect(all, context).not.toContain(A);
}

beforeAll(async () => {
  runtime = await startLocalRuntime({ logger: silentLogger, port: 0 });
  for (const tenant of [A, B, C]) {
    tokens[tenant] = await runtime.tokens.issue({
      tenantId: tenant,
      userId: USER,
      roles: [...ROLES],
      ttlSeconds: 3600,
    });
  }
  // Tenant A creates one of everything; the matrix then aims every route at A's resources.
  const seeded = await seedTenant(runtime.url, tokens[A] as string, routeTable, { marker: A_SECRET });
  samples = seeded.samples;
  seedFailures.push(...seeded.failures);
  changeRequestIds = seeded.ids;
});

afterAll(async () => {
  await runtime.close();
});

describe('tenant isolation matrix', () => {
  it('lets tenant A create a resource through every PUT route (the matrix has something to protect)', () => {
    expect(seedFailures).toEqual([]);
  });

  it('aims every route with an {id} (and a {scanId}) at a resource tenant A really created', () => {
    const idParams = (route: Route) => paramNames(route.path).filter((n) => n === 'id' || n.endsWith('Id'));
    const withId = samples.filter(({ route }) => idParams(route).length > 0);
    expect(withId.length).toBeGreaterThan(0);
    for (const { route, sample } of withId) {
      const aimed = sample.path.split('/').filter((segment) => changeRequestIds.includes(segment));
      expect(aimed.length, `${label(route)} -> ${sample.path}`).toBe(idParams(route).length);
    }
  });

  it('lets tenant A read its own resources (the matrix has something to protect)', async () => {
    // Act
    const reads = await Promise.all(
      samples
        .filter(({ route }) => route.method === 'GET' && route.permission !== null)
        .map(({ sample }) => call(sample, tokens[A])),
    );
    // Assess
    expect(reads.filter((r) => r.status === 200).length).toBeGreaterThan(0);
    expect(reads.some((r) => r.text.includes(A_SECRET))).toBe(true);
  });

  it("answers tenant B's reads of A's resources exactly as reads of resources that do not exist", async () => {
    for (const { route, sample } of samples.filter(({ route }) => route.method === 'GET')) {
      // Act
      const asB = await call(sample, tokens[B]);
      const asC = await call(sample, tokens[C]);
      // Assess
      const context = `${label(route)} as tenant B`;
      expectWellFormed(asB, context, { documented: route.responses });
      expectNoTraceOfA(asB, context);
      expect(normalized(asB, B), context).toEqual(normalized(asC, C));
    }
  });

  it("never lets tenant B's writes touch A's items, and answers them as for a tenant with nothing", async () => {
    // Prepare
    const before = await tenantItems(runtime, A);
    const writes = samples.filter(({ route }) => route.method !== 'GET');
    for (const { route, sample } of writes) {
      const ifMatchOfA = await etagOf(sample, tokens[A] as string);
      // Act: B and C send the same write, If-Match copied from A's resource, then without If-Match.
      for (const ifMatch of [ifMatchOfA, undefined]) {
        const asB = await call(sample, tokens[B], ifMatch);
        const asC = await call(sample, tokens[C], ifMatch);
        // Assess
        const context = `${label(route)} as tenant B with If-Match ${ifMatch ?? 'absent'}`;
        expectWellFormed(asB, context, { documented: route.responses });
        expectNoTraceOfA(asB, context);
        expect(normalized(asB, B), context).toEqual(normalized(asC, C));
        expect(await tenantItems(runtime, A), context).toEqual(before);
      }
    }
    // B's PUTs without If-Match created B's own documents, beside A's and untouched by them.
    expect((await tenantItems(runtime, B)).length).toBeGreaterThan(0);
  });

  it('shows tenant B only its own data on every read after B wrote at the same paths', async () => {
    for (const { route, sample } of samples.filter(({ route }) => route.method === 'GET')) {
      // Act
      const res = await call(sample, tokens[B]);
      // Assess
      expectWellFormed(res, `${label(route)} as tenant B after its writes`, { documented: route.responses });
      expectNoTraceOfA(res, `${label(route)} as tenant B after its writes`);
    }
  });

  it('rejects every bad token with 401 on every protected route and changes nothing', async () => {
    // Prepare
    const bad = await badTokens();
    const before = await tenantItems(runtime, A);
    for (const { route, sample } of protectedRoutes()) {
      const ifMatchOfA = await etagOf(sample, tokens[A] as string);
      for (const [kind, token] of Object.entries(bad)) {
        // Act
        const res = await call(sample, token, ifMatchOfA);
        // Assess
        const context = `${label(route)} with ${kind}`;
        expect(res.status, context).toBe(401);
        expectProblem(res, context);
        expect(res.headers['www-authenticate'], context).toMatch(/^Bearer/);
        expectNoTraceOfA(res, context);
      }
    }
    expect(await tenantItems(runtime, A)).toEqual(before);
  });

  it('serves public routes the same to every caller, whatever token they send', async () => {
    const bad = await badTokens();
    for (const { route, sample } of samples.filter(({ route }) => route.permission === null)) {
      const anonymous = normalized(await call(sample, undefined), '');
      for (const [kind, token] of Object.entries({ ...bad, tenantB: tokens[B] as string })) {
        expect(normalized(await call(sample, token), ''), `${label(route)} with ${kind}`).toEqual(anonymous);
      }
    }
  });
});

/** Every kind of token that must not get in, each aimed at tenant A. */
async function badTokens(): Promise<Record<string, string>> {
  const now = Math.floor(Date.now() / 1000);
  const claimsOfA = {
    tenant_id: A,
    roles: [...ROLES],
    sub: USER,
    iss: LOCAL_ISSUER,
    aud: LOCAL_AUDIENCE,
    iat: now,
    exp: now + 600,
  };
  const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const [headerOfB, , signatureOfB] = (tokens[B] as string).split('.');
  const kid = (JSON.parse(Buffer.from(headerOfB as string, 'base64url').toString()) as { kid: string }).kid;
  const { privateKey } = await generateKeyPair('ES256', { extractable: true });
  await exportJWK(privateKey);
  return {
    // B's token with tenant_id rewritten to A: the signature no longer matches.
    forgedTenantId: `${headerOfB}.${b64({ ...claimsOfA, sub: USER })}.${signatureOfB}`,
    // Correctly signed by the runtime's key but without a tenant_id claim.
    missingTenantId: await runtime.tokens.issue({
      tenantId: undefined as unknown as string,
      userId: USER,
      roles: [...ROLES],
      ttlSeconds: 600,
    }),
    // Correctly signed, tenant_id trying to reach into A's key space.
    keyInjectionTenantId: await runtime.tokens.issue({
      tenantId: `${A}#settings#global`,
      userId: USER,
      roles: [...ROLES],
      ttlSeconds: 600,
    }),
    // Correctly signed, tenant_id as an array.
    arrayTenantId: await runtime.tokens.issue({
      tenantId: [A] as unknown as string,
      userId: USER,
      roles: [...ROLES],
      ttlSeconds: 600,
    }),
    expired: await runtime.tokens.issue({ tenantId: A, userId: USER, roles: [...ROLES], ttlSeconds: -120 }),
    otherKey: await new SignJWT(claimsOfA)
      .setProtectedHeader({ alg: 'ES256', kid, typ: 'JWT' })
      .sign(privateKey),
    algNone: `${b64({ alg: 'none', typ: 'JWT' })}.${b64(claimsOfA)}.`,
    hs256: await new SignJWT(claimsOfA)
      .setProtectedHeader({ alg: 'HS256', kid, typ: 'JWT' })
      .sign(new TextEncoder().encode('plumbline-local-secret-guess-0000')),
    garbage: 'not.a.token',
    empty: '',
  };
}
