import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOCAL_DEV_TOKEN_ROUTE } from '../../shared/http/local-dev-token-route.ts';
import { isLoopbackAddress } from '../../shared/http/local-server.ts';
import { routeTable } from '../../shared/http/route-table.ts';
import { startTestRuntime, type TestRuntime } from '../support/test-runtime.ts';

let rt: TestRuntime;

beforeAll(async () => {
  rt = await startTestRuntime();
});
afterAll(async () => rt.close());

describe('POST /local/dev/token (the local runtime signs dev tokens with its own key)', () => {
  it('answers a loopback client with a token the runtime accepts, carrying the requested claims', async () => {
    // Prepare
    const body = { tenantId: 'acme', userId: 'alice', roles: ['editor', 'viewer:prod'], ttlSeconds: 600 };
    // Act
    const issued = await rt.call('POST', '/local/dev/token', { body });
    const claims = await rt.tokens.verify(issued.body.token);
    const used = await rt.call('GET', '/v1/environments/prod', { token: issued.body.token });
    // Assess
    expect(issued.status).toBe(200);
    expect(issued.headers.get('cache-control')).toBe('no-store');
    expect(issued.body.expiresIn).toBe(600);
    expect(claims).toMatchObject({ sub: 'alice', tenant_id: 'acme', roles: ['editor', 'viewer:prod'] });
    expect((claims?.exp ?? 0) - (claims?.iat ?? 0)).toBe(600);
    expect(used.status).toBe(200);
  });

  it('refuses bad input with a 400 listing every violation', async () => {
    // Prepare
    const body = { tenantId: 'ac me', userId: '', roles: ['editor', 'root'], ttlSeconds: 0, extra: 1 };
    // Act
    const refused = await rt.call('POST', '/local/dev/token', { body });
    const notJson = await rt.call('POST', '/local/dev/token', { rawBody: '{nope' });
    // Assess
    expect(refused.status).toBe(400);
    expect(refused.headers.get('content-type')).toContain('application/problem+json');
    expect(refused.body.errors.map((e: { pointer: string }) => e.pointer).sort()).toEqual([
      '/body/extra',
      '/body/roles/1',
      '/body/tenantId',
      '/body/ttlSeconds',
      '/body/userId',
    ]);
    expect(notJson.status).toBe(400);
  });

  it('is absent from the route table (so from AWS) and from the OpenAPI document', async () => {
    // Prepare
    const [method, path] = LOCAL_DEV_TOKEN_ROUTE.split(' ');
    // Act
    const openapi = await rt.call('GET', '/v1/openapi.json');
    // Assess
    expect(routeTable.filter((r) => r.path.startsWith('/local'))).toEqual([]);
    expect(routeTable.some((r) => r.method === method && r.path === path)).toBe(false);
    expect(openapi.status).toBe(200);
    expect(Object.keys(openapi.body.paths).filter((p) => p.startsWith('/local'))).toEqual([]);
    expect(openapi.text).not.toContain('/local/dev/token');
  });

  it('counts only loopback addresses as local clients', () => {
    // Prepare
    const loopback = ['127.0.0.1', '127.1.2.3', '::1', '::ffff:127.0.0.1'];
    const remote = ['192.0.2.2', '::ffff:10.0.0.1', 'fd00::2', '1127.0.0.1', '', undefined];
    // Act
    const local = loopback.map(isLoopbackAddress);
    const other = remote.map(isLoopbackAddress);
    // Assess
    expect(local).toEqual(loopback.map(() => true));
    expect(other).toEqual(remote.map(() => false));
  });
});
