import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestRuntime, type TestRuntime } from '../support/test-runtime.ts';

let rt: TestRuntime;
let editor: string;
let admin: string;
let viewer: string;
let other: string;

const put = (path: string, token: string, body: unknown, ifMatch?: number) =>
  rt.call('PUT', path, { token, body, ...(ifMatch ? { headers: { 'if-match': `"${ifMatch}"` } } : {}) });

beforeAll(async () => {
  rt = await startTestRuntime();
  editor = await rt.token('acme', 'erin', ['editor']);
  admin = await rt.token('acme', 'ada', ['admin']);
  viewer = await rt.token('acme', 'vic', ['viewer']);
  other = await rt.token('globex', 'gus', ['admin']);
  // Prepare: three layers of the same service.
  expect(
    (
      await put('/v1/settings/global', editor, {
        content: { replicas: 2, log: { level: 'info', format: 'json' }, tags: ['a'] },
        reason: 'defaults',
      })
    ).status,
  ).toBe(201);
  expect(
    (
      await put('/v1/settings/envs/staging', editor, {
        content: { replicas: 4, log: { level: 'warn' }, tags: ['p'] },
        reason: 'prod',
      })
    ).status,
  ).toBe(201);
  expect(
    (
      await put('/v1/settings/envs/staging/services/api', editor, {
        content: { log: { format: null }, image: 'r.io/api:1' },
        reason: 'api',
      })
    ).status,
  ).toBe(201);
});

afterAll(async () => {
  await rt.close();
});

describe('GET /v1/effective', () => {
  it('merges the layers key by key, replaces arrays, deletes on null and lists layers lowest first', async () => {
    const res = await rt.call('GET', '/v1/effective/envs/staging/services/api', { token: viewer });
    expect(res.status).toBe(200);
    expect(res.body.content).toEqual({
      replicas: 4,
      log: { level: 'warn' },
      tags: ['p'],
      image: 'r.io/api:1',
    });
    expect(res.body.layers).toEqual([
      { scope: 'global', version: 1 },
      { scope: 'envs/staging', version: 1 },
      { scope: 'envs/staging/services/api', version: 1 },
    ]);
    expect(res.body.explain).toBeUndefined();
  });

  it('explains every leaf with the layer, version, author and time it came from', async () => {
    const res = await rt.call('GET', '/v1/effective/envs/staging/services/api?explain=true', {
      token: viewer,
    });
    expect(res.status).toBe(200);
    expect(Object.keys(res.body.explain).sort()).toEqual(
      ['/image', '/log/level', '/replicas', '/tags'].sort(),
    );
    expect(res.body.explain['/replicas']).toMatchObject({
      scope: 'envs/staging',
      version: 1,
      author: 'erin',
    });
    expect(res.body.explain['/image']).toMatchObject({ scope: 'envs/staging/services/api', version: 1 });
    expect(typeof res.body.explain['/image'].createdAt).toBe('string');
  });

  it('answers 304 to If-None-Match with the current ETag and a new ETag after a layer changes', async () => {
    const first = await rt.call('GET', '/v1/effective/envs/staging/services/api', { token: viewer });
    const etag = first.headers.get('etag');
    expect(etag).toMatch(/^"fx-/);
    const again = await rt.call('GET', '/v1/effective/envs/staging/services/api', {
      token: viewer,
      headers: { 'if-none-match': etag as string },
    });
    expect(again.status).toBe(304);
    expect(again.text).toBe('');
    expect(again.headers.get('etag')).toBe(etag);
    const explained = await rt.call('GET', '/v1/effective/envs/staging/services/api?explain=true', {
      token: viewer,
      headers: { 'if-none-match': etag as string },
    });
    expect(explained.status).toBe(200);

    expect(
      (
        await put('/v1/settings/envs/staging/services/api/instances/i-1', editor, {
          content: { replicas: 1 },
          reason: 'one',
        })
      ).status,
    ).toBe(201);
    const instance = await rt.call('GET', '/v1/effective/envs/staging/services/api/instances/i-1', {
      token: viewer,
    });
    expect(instance.status).toBe(200);
    expect(instance.body.content.replicas).toBe(1);
    expect(instance.body.layers).toHaveLength(4);
    expect(
      (await put('/v1/settings/envs/staging', editor, { content: { replicas: 5 }, reason: 'more' }, 1))
        .status,
    ).toBe(201);
    const changed = await rt.call('GET', '/v1/effective/envs/staging/services/api', {
      token: viewer,
      headers: { 'if-none-match': etag as string },
    });
    expect(changed.status).toBe(200);
    expect(changed.headers.get('etag')).not.toBe(etag);
  });

  it('gives 404 for another tenant and for a service no layer applies to', async () => {
    expect((await rt.call('GET', '/v1/effective/envs/staging/services/api', { token: other })).status).toBe(
      404,
    );
    expect(
      (await rt.call('GET', '/v1/effective/envs/staging/services/api?explain=true', { token: other })).status,
    ).toBe(404);
    expect(
      (await rt.call('GET', '/v1/effective/envs/staging/services/api/instances/i-1', { token: other }))
        .status,
    ).toBe(404);
  });

  it('rejects a bad explain flag with a 400 listing it', async () => {
    const res = await rt.call('GET', '/v1/effective/envs/staging/services/api?explain=yes', {
      token: viewer,
    });
    expect(res.status).toBe(400);
    expect(res.body.errors[0].pointer).toBe('/query/explain');
  });

  it('lets a policy be written only by an admin', async () => {
    const body = { policy: { requiredLabels: [] }, reason: 'none' };
    expect((await put('/v1/policies/envs/dev', editor, body)).status).toBe(403);
    expect((await put('/v1/policies/envs/dev', admin, body)).status).toBe(201);
  });
});
