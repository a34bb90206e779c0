import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestRuntime, type TestRuntime } from '../support/test-runtime.ts';

let rt: TestRuntime;
let editor: string;
let viewer: string;
let admin: string;
let reader: string;
let devReader: string;
let otherTenant: string;
let n = 0;
const fresh = () => `s-${++n}`;
const path = (name: string, env = 'dev') => `/v1/secrets/envs/${env}/${name}`;
const body = (extra: Record<string, unknown> = {}) => ({
  value: 'hunter2-value',
  criticality: 'critical',
  category: 'data-access',
  reason: 'initial',
  ...extra,
});

beforeAll(async () => {
  rt = await startTestRuntime();
  editor = await rt.token('acme', 'alice', ['editor']);
  viewer = await rt.token('acme', 'victor', ['viewer']);
  admin = await rt.token('acme', 'ada', ['admin']);
  reader = await rt.token('acme', 'rita', ['viewer', 'secret-reader']);
  devReader = await rt.token('acme', 'dora', ['viewer', 'secret-reader:dev']);
  otherTenant = await rt.token('globex', 'mallory', ['admin', 'secret-reader', 'editor']);
});
afterAll(async () => rt.close());

async function create(name: string, extra: Record<string, unknown> = {}, env = 'dev') {
  const res = await rt.call('PUT', path(name, env), { token: editor, body: body(extra) });
  expect(res.status).toBe(201);
  return res;
}

describe('PUT /v1/secrets/envs/{env}/{name}', () => {
  it('creates version 1 (201) and answers metadata only, never the value nor a hash of it', async () => {
    // Act
    const res = await create(fresh(), { owner: 'ops@example.com', description: 'db' });

    // Assess
    expect(res.headers.get('etag')).toBe('"1"');
    expect(Object.keys(res.body).sort()).toEqual(
      [
        'category',
        'createdAt',
        'createdBy',
        'criticality',
        'description',
        'env',
        'generated',
        'name',
        'owner',
        'rotatedAt',
        'rotationDueAt',
        'state',
        'version',
      ].sort(),
    );
    expect(res.text).not.toContain('hunter2');
    expect(res.body).toMatchObject({ version: 1, createdBy: 'alice', state: 'active', generated: false });
    expect(Date.parse(res.body.rotationDueAt) - Date.parse(res.body.rotatedAt)).toBe(30 * 86_400_000);
  });

  it('writes the next version with 200 and needs If-Match once it exists (428, then 412 when stale)', async () => {
    // Prepare
    const name = fresh();
    await create(name);

    // Act
    const without = await rt.call('PUT', path(name), { token: editor, body: body() });
    const stale = await rt.call('PUT', path(name), {
      token: editor,
      body: body(),
      headers: { 'if-match': '"7"' },
    });
    const ok = await rt.call('PUT', path(name), {
      token: editor,
      body: body(),
      headers: { 'if-match': '"1"' },
    });

    // Assess
    expect(without.status).toBe(428);
    expect(without.body.currentVersion).toBe(1);
    expect(stale.status).toBe(412);
    expect(stale.body.currentVersion).toBe(1);
    expect(ok.status).toBe(200);
    expect(ok.body.version).toBe(2);
  });

  it.each([
    ['a bad name', 'Bad/Name', body(), '/path/name'],
    ['an empty value', 'ok-name', body({ value: '' }), '/body/value'],
    ['a value over 64 KiB', 'ok-name', body({ value: 'x'.repeat(64 * 1024 + 1) }), '/body/value'],
    ['both value and generate', 'ok-name', body({ generate: { length: 32 } }), '/body/generate'],
    ['an unknown criticality', 'ok-name', body({ criticality: 'urgent' }), '/body/criticality'],
    ['an unknown category', 'ok-name', body({ category: 'misc' }), '/body/category'],
    [
      'neither value nor generate',
      'ok-name',
      { criticality: 'low', category: 'application', reason: 'r' },
      '/body/value',
    ],
  ])(
    'answers 400 naming the pointer for %s, echoes no value, and changes nothing',
    async (_label, name, sent, pointer) => {
      // Act
      const res = await rt.call('PUT', `/v1/secrets/envs/dev/${encodeURIComponent(name)}`, {
        token: editor,
        body: sent,
      });
      const after = await rt.call('GET', '/v1/secrets/envs/dev/ok-name', { token: viewer });

      // Assess
      expect(res.status).toBe(400);
      expect(res.body.errors.map((e: { pointer: string }) => e.pointer)).toContain(pointer);
      expect(res.text).not.toContain('xxxxxxxx');
      expect(res.text).not.toContain('hunter2');
      expect(after.status).toBe(404);
    },
  );

  it('generates a value of the asked length and alphabet', async () => {
    // Prepare
    const name = fresh();

    // Act
    const res = await rt.call('PUT', path(name), {
      token: editor,
      body: {
        criticality: 'low',
        category: 'application',
        generate: { length: 40, alphabet: 'hex' },
        reason: 'gen',
      },
    });
    const value = await rt.call('POST', `${path(name)}/value`, { token: reader });

    // Assess
    expect(res.status).toBe(201);
    expect(res.body.generated).toBe(true);
    expect(value.body.value).toMatch(/^[0-9a-f]{40}$/);
  });

  it('is refused to a viewer (403) and invisible to another tenant (404)', async () => {
    // Prepare
    const name = fresh();
    await create(name);

    // Act
    const byViewer = await rt.call('PUT', path(name), { token: viewer, body: body() });
    const foreignGet = await rt.call('GET', path(name), { token: otherTenant });
    const foreignValue = await rt.call('POST', `${path(name)}/value`, { token: otherTenant });
    const foreignList = await rt.call('GET', '/v1/secrets/envs/dev', { token: otherTenant });

    // Assess
    expect(byViewer.status).toBe(403);
    expect(foreignGet.status).toBe(404);
    expect(foreignValue.status).toBe(404);
    expect(foreignList.body.items).toEqual([]);
  });
});

describe('versions, rotation and values', () => {
  it('shows versions with stages, rotates, and reads the current and previous value but not deprecated ones', async () => {
    // Prepare
    const name = fresh();
    await create(name);

    // Act
    const r2 = await rt.call('POST', `${path(name)}/rotate`, {
      token: editor,
      body: { value: 'second', reason: 'r2' },
    });
    const r3 = await rt.call('POST', `${path(name)}/rotate`, {
      token: editor,
      body: { value: 'third', reason: 'r3' },
      headers: { 'if-match': '"2"' },
    });
    const stale = await rt.call('POST', `${path(name)}/rotate`, {
      token: editor,
      body: { value: 'x', reason: 'r' },
      headers: { 'if-match': '"2"' },
    });
    const shown = await rt.call('GET', path(name), { token: viewer });
    const current = await rt.call('POST', `${path(name)}/value`, { token: reader });
    const previous = await rt.call('POST', `${path(name)}/value?stage=previous`, { token: reader });
    const deprecated = await rt.call('POST', `${path(name)}/value?version=1`, { token: reader });

    // Assess
    expect([r2.status, r3.status, stale.status]).toEqual([200, 200, 412]);
    expect(shown.body.versions.map((v: { version: number; stage: string }) => [v.version, v.stage])).toEqual([
      [3, 'current'],
      [2, 'previous'],
      [1, 'deprecated'],
    ]);
    expect(shown.body.versions[0]).toMatchObject({ number: 3, createdBy: 'alice', reason: 'r3' });
    expect(shown.text).not.toContain('second');
    expect(current.body).toEqual({ name, version: 3, value: 'third' });
    expect(current.headers.get('cache-control')).toBe('no-store');
    expect(previous.body).toEqual({ name, version: 2, value: 'second' });
    expect(deprecated.status).toBe(404);
  });

  it('needs a value to rotate a provided secret (400 at /body/value)', async () => {
    // Prepare
    const name = fresh();
    await create(name);

    // Act
    const res = await rt.call('POST', `${path(name)}/rotate`, { token: editor, body: { reason: 'r' } });

    // Assess
    expect(res.status).toBe(400);
    expect(res.body.errors[0].pointer).toBe('/body/value');
  });

  it('lets only secret-reader read values: admin and editor get 403, an env-scoped reader only in its env', async () => {
    // Prepare
    const name = fresh();
    await create(name);
    await create(name, {}, 'staging');

    // Act
    const byAdmin = await rt.call('POST', `${path(name)}/value`, { token: admin });
    const byEditor = await rt.call('POST', `${path(name)}/value`, { token: editor });
    const scopedDev = await rt.call('POST', `${path(name)}/value`, { token: devReader });
    const scopedStaging = await rt.call('POST', `${path(name, 'staging')}/value`, { token: devReader });

    // Assess
    expect(byAdmin.status).toBe(403);
    expect(byEditor.status).toBe(403);
    expect(scopedDev.status).toBe(200);
    expect(scopedStaging.status).toBe(403);
  });

  it('lists metadata in pages', async () => {
    // Prepare
    for (const name of ['page-a', 'page-b', 'page-c']) await create(name, {}, 'paging');

    // Act
    const first = await rt.call('GET', '/v1/secrets/envs/paging?limit=2', { token: viewer });
    const second = await rt.call('GET', `/v1/secrets/envs/paging?limit=2&cursor=${first.body.nextCursor}`, {
      token: viewer,
    });

    // Assess
    expect(first.body.items.map((m: { name: string }) => m.name)).toEqual(['page-a', 'page-b']);
    expect(second.body.items.map((m: { name: string }) => m.name)).toEqual(['page-c']);
    expect(second.body.nextCursor).toBeNull();
  });
});

describe('references from settings', () => {
  it('refuses a reference to a secret missing in an environment it reaches (422 secret.reference-missing)', async () => {
    // Prepare
    await create('db-password', {}, 'ref-a');

    // Act
    const missing = await rt.call('PUT', '/v1/settings/envs/ref-b/services/api', {
      token: editor,
      body: { content: { db: { password: { $secret: 'db-password' } } }, reason: 'ref' },
    });
    const present = await rt.call('PUT', '/v1/settings/envs/ref-a/services/api', {
      token: editor,
      body: { content: { db: { password: { $secret: 'db-password' } } }, reason: 'ref' },
    });

    // Assess
    expect(missing.status).toBe(422);
    expect(missing.body.errors).toEqual([
      expect.objectContaining({
        rule: 'secret.reference-missing',
        pointer: '/db/password',
        target: 'envs/ref-b/services/api',
      }),
    ]);
    expect(present.status).toBe(201);
  });

  it('checks a global reference in every environment it reaches', async () => {
    // Prepare
    await create('global-key', {}, 'glob-a');
    await rt.call('PUT', '/v1/settings/envs/glob-a/services/api', {
      token: editor,
      body: { content: { a: 1 }, reason: 'r' },
    });
    await rt.call('PUT', '/v1/settings/envs/glob-b/services/api', {
      token: editor,
      body: { content: { a: 1 }, reason: 'r' },
    });
    const current = await rt.call('GET', '/v1/settings/global', { token: editor });

    // Act
    const res = await rt.call('PUT', '/v1/settings/global', {
      token: admin,
      body: { content: { key: { $secret: 'global-key' } }, reason: 'global ref' },
      headers: current.status === 200 ? { 'if-match': current.headers.get('etag') ?? '' } : {},
    });

    // Assess
    expect(res.status).toBe(422);
    const targets = res.body.errors.map((e: { target: string }) => e.target);
    expect(targets).toContain('envs/glob-b/services/api');
    expect(targets).not.toContain('envs/glob-a/services/api');
  });

  it('shows the version in effective settings, resolves values only for secret-reader, with no-store and no ETag', async () => {
    // Prepare
    await create('api-token', { value: 'tok-1' }, 'eff');
    await rt.call('PUT', '/v1/settings/envs/eff/services/web', {
      token: editor,
      body: { content: { token: { $secret: 'api-token' }, replicas: 2 }, reason: 'ref' },
    });

    // Act
    const plain = await rt.call('GET', '/v1/effective/envs/eff/services/web', { token: viewer });
    const denied = await rt.call('GET', '/v1/effective/envs/eff/services/web?resolveSecrets=true', {
      token: viewer,
    });
    const byAdmin = await rt.call('GET', '/v1/effective/envs/eff/services/web?resolveSecrets=true', {
      token: admin,
    });
    const resolved = await rt.call('GET', '/v1/effective/envs/eff/services/web?resolveSecrets=true', {
      token: reader,
      headers: { 'if-none-match': plain.headers.get('etag') ?? '' },
    });
    await rt.call('POST', '/v1/secrets/envs/eff/api-token/rotate', {
      token: editor,
      body: { value: 'tok-2', reason: 'r' },
    });
    const afterRotation = await rt.call('GET', '/v1/effective/envs/eff/services/web', {
      token: viewer,
      headers: { 'if-none-match': plain.headers.get('etag') ?? '' },
    });

    // Assess
    expect(plain.body.content.token).toEqual({ $secret: 'api-token', version: 1 });
    expect(plain.text).not.toContain('tok-1');
    expect(denied.status).toBe(403);
    expect(denied.text).not.toContain('tok-1');
    expect(byAdmin.status).toBe(403);
    expect(resolved.status).toBe(200);
    expect(resolved.body.content).toEqual({ token: 'tok-1', replicas: 2 });
    expect(resolved.headers.get('cache-control')).toBe('no-store');
    expect(resolved.headers.get('etag')).toBeNull();
    expect(afterRotation.status).toBe(200);
    expect(afterRotation.body.content.token).toEqual({ $secret: 'api-token', version: 2 });
  });

  it('refuses to delete a referenced secret (409 listing the documents), then deletes and restores it', async () => {
    // Prepare
    await create('old-key', {}, 'del');
    await rt.call('PUT', '/v1/settings/envs/del/services/api', {
      token: editor,
      body: { content: { k: { $secret: 'old-key' } }, reason: 'ref' },
    });

    // Act
    const referenced = await rt.call('DELETE', '/v1/secrets/envs/del/old-key', {
      token: editor,
      headers: { 'plumbline-reason': 'cleanup' },
    });
    await rt.call('PUT', '/v1/settings/envs/del/services/api', {
      token: editor,
      body: { content: { k: 'plain' }, reason: 'unref' },
      headers: { 'if-match': '"1"' },
    });
    const noReason = await rt.call('DELETE', '/v1/secrets/envs/del/old-key', { token: editor });
    const deleted = await rt.call('DELETE', '/v1/secrets/envs/del/old-key?recoveryDays=7', {
      token: editor,
      headers: { 'plumbline-reason': 'cleanup' },
    });
    const valueWhileDeleted = await rt.call('POST', '/v1/secrets/envs/del/old-key/value', { token: reader });
    const restored = await rt.call('POST', '/v1/secrets/envs/del/old-key/restore', {
      token: editor,
      body: { reason: 'still needed' },
    });

    // Assess
    expect(referenced.status).toBe(409);
    expect(referenced.body.references).toEqual([{ document: 'envs/del/services/api', pointer: '/k' }]);
    expect(noReason.status).toBe(400);
    expect(deleted.status).toBe(200);
    expect(deleted.body.state).toBe('pending-deletion');
    expect(Date.parse(deleted.body.deletionAt) - Date.now()).toBeGreaterThan(6 * 86_400_000);
    expect(valueWhileDeleted.status).toBe(404);
    expect(restored.status).toBe(200);
    expect(restored.body.state).toBe('active');
  });
});

describe('rotation due', () => {
  it('lists secrets past their period (critical 30 d, low 365 d), shortened by the environment policy', async () => {
    // Prepare
    let now = Date.parse('2026-01-01T00:00:00.000Z');
    const timed = await startTestRuntime({ clock: { now: () => new Date(now) } });
    try {
      const token = await timed.token('acme', 'alice', ['editor', 'admin']);
      const put = (name: string, env: string, criticality: string) =>
        timed.call('PUT', `/v1/secrets/envs/${env}/${name}`, { token, body: body({ criticality }) });
      await put('crit', 'due', 'critical');
      await put('low', 'due', 'low');
      await put('crit', 'lax', 'critical');
      await timed.call('PUT', '/v1/policies/envs/due', {
        token,
        body: { policy: { secrets: { rotationDays: { critical: 14 } } }, reason: 'strict' },
      });

      // Act
      now += 20 * 86_400_000;
      const day20 = await timed.call('GET', '/v1/secrets/rotation-due?env=due', { token });
      const day20Lax = await timed.call('GET', '/v1/secrets/rotation-due?env=lax', { token });
      now += 20 * 86_400_000;
      const day40Lax = await timed.call('GET', '/v1/secrets/rotation-due?env=lax', { token });

      // Assess
      expect(
        day20.body.items.map((d: { name: string; periodDays: number }) => [d.name, d.periodDays]),
      ).toEqual([['crit', 14]]);
      expect(day20Lax.body.items).toEqual([]);
      expect(day40Lax.body.items.map((d: { name: string }) => d.name)).toEqual(['crit']);
    } finally {
      await timed.close();
    }
  });

  it('refuses a policy whose rotation period is not a whole number of days (400)', async () => {
    // Act
    const res = await rt.call('PUT', '/v1/policies/envs/bad-policy', {
      token: admin,
      body: { policy: { secrets: { rotationDays: { critical: 0.5 } } }, reason: 'r' },
    });

    // Assess
    expect(res.status).toBe(400);
    expect(res.body.errors[0].pointer).toBe('/body/policy/secrets/rotationDays/critical');
  });
});
