import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestRuntime, type TestRuntime } from '../support/test-runtime.ts';

let rt: TestRuntime;
let admin: string;

const basic = (id: string, secret: string) => `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`;

/** `POST /oauth2/token` with client credentials; the access token, or the status when refused. */
async function clientToken(clientId: string, secret: string): Promise<{ status: number; token?: string }> {
  const res = await fetch(`${rt.url}/oauth2/token`, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      authorization: basic(clientId, secret),
    },
    body: 'grant_type=client_credentials',
  });
  const body = (await res.json()) as { access_token?: string };
  return { status: res.status, ...(body.access_token ? { token: body.access_token } : {}) };
}

const create = (body: unknown, token = admin) => rt.call('POST', '/v1/service-accounts', { token, body });

beforeAll(async () => {
  rt = await startTestRuntime();
  admin = await rt.token('acme', 'root', ['admin']);
  await rt.call('PUT', '/v1/environments/prod', { token: admin, body: { protected: false, reason: 'seed' } });
  const seeded = await rt.call('PUT', '/v1/settings/envs/prod/services/orders', {
    token: admin,
    body: { content: { pool: { size: 4 } }, reason: 'seed' },
  });
  expect(seeded.status).toBe(201);
});
afterAll(async () => {
  await rt?.close();
});

describe('service accounts over the API', () => {
  it('creates, gets a token, reads settings, rotates (old secret refused) and deletes (secret refused)', async () => {
    // Act: create
    const created = await create({
      name: 'orders',
      roles: ['viewer:prod'],
      reason: 'orders reads its settings',
    });

    // Assess: 201 with the secret once, the token URL, no tenant, not cached
    expect(created.status).toBe(201);
    expect(created.headers.get('cache-control')).toBe('no-store');
    const { id, clientId, clientSecret, tokenUrl } = created.body;
    expect(tokenUrl).toBe(`${rt.url}/oauth2/token`);
    expect(typeof clientSecret).toBe('string');
    expect(created.body.tenantId).toBeUndefined();
    expect(created.headers.get('location')).toBe(`/v1/service-accounts/${id}`);

    // Act: token and a settings read with it
    const first = await clientToken(clientId, clientSecret);
    const read = await rt.call('GET', '/v1/settings/envs/prod/services/orders', {
      token: first.token as string,
    });

    // Assess
    expect(first.status).toBe(200);
    expect(read.status).toBe(200);
    expect(read.body.content).toEqual({ pool: { size: 4 } });

    // Act: show and list never carry the secret
    const shown = await rt.call('GET', `/v1/service-accounts/${id}`, { token: admin });
    const listed = await rt.call('GET', '/v1/service-accounts', { token: admin });
    expect(shown.status).toBe(200);
    expect(shown.body).toMatchObject({
      id,
      clientId,
      name: 'orders',
      roles: ['viewer:prod'],
      createdBy: 'root',
    });
    expect(shown.text).not.toContain(clientSecret);
    expect(listed.body.items.map((a: { id: string }) => a.id)).toContain(id);
    expect(listed.text).not.toContain(clientSecret);

    // Act: rotate
    const rotated = await rt.call('POST', `/v1/service-accounts/${id}/rotate`, { token: admin });

    // Assess: a new secret works, the old one is refused, the client id stays
    expect(rotated.status).toBe(200);
    expect(rotated.body.clientId).toBe(clientId);
    expect(rotated.body.clientSecret).not.toBe(clientSecret);
    expect(typeof rotated.body.rotatedAt).toBe('string');
    expect((await clientToken(clientId, clientSecret)).status).toBe(401);
    expect((await clientToken(clientId, rotated.body.clientSecret)).status).toBe(200);

    // Act: delete
    const deleted = await rt.call('DELETE', `/v1/service-accounts/${id}`, {
      token: admin,
      headers: { 'plumbline-reason': 'orders retired' },
    });

    // Assess
    expect(deleted.status).toBe(204);
    expect((await clientToken(clientId, rotated.body.clientSecret)).status).toBe(401);
    expect((await rt.call('GET', `/v1/service-accounts/${id}`, { token: admin })).status).toBe(404);
  });

  it('refuses admin and approver with a 400 naming each, and creates nothing', async () => {
    // Act
    const res = await create({ name: 'robot', roles: ['viewer', 'admin', 'approver:prod'], reason: 'no' });

    // Assess
    expect(res.status).toBe(400);
    expect(res.body.errors.map((e: { pointer: string }) => e.pointer)).toEqual([
      '/body/roles/1',
      '/body/roles/2',
    ]);
    const listed = await rt.call('GET', '/v1/service-accounts?limit=100', { token: admin });
    expect(listed.body.items.map((a: { name: string }) => a.name)).not.toContain('robot');
  });

  it('answers 404 for another tenant’s account on show, rotate and delete, and lists only its own', async () => {
    // Prepare
    const mine = await create({ name: 'billing', roles: ['viewer'], reason: 'billing' });
    const other = await rt.token('globex', 'root', ['admin']);

    // Act
    const shown = await rt.call('GET', `/v1/service-accounts/${mine.body.id}`, { token: other });
    const rotated = await rt.call('POST', `/v1/service-accounts/${mine.body.id}/rotate`, { token: other });
    const deleted = await rt.call('DELETE', `/v1/service-accounts/${mine.body.id}`, {
      token: other,
      headers: { 'plumbline-reason': 'x' },
    });
    const listed = await rt.call('GET', '/v1/service-accounts', { token: other });

    // Assess
    expect([shown.status, rotated.status, deleted.status]).toEqual([404, 404, 404]);
    expect(listed.body.items).toEqual([]);
    expect((await clientToken(mine.body.clientId, mine.body.clientSecret)).status).toBe(200);
  });

  it('refuses callers without an unlimited admin binding (403)', async () => {
    // Prepare
    const envAdmin = await rt.token('acme', 'ops', ['admin:prod']);
    const editor = await rt.token('acme', 'dev', ['editor']);

    // Act
    const statuses = [
      (await create({ name: 'x', roles: ['viewer'], reason: 'r' }, envAdmin)).status,
      (await create({ name: 'x', roles: ['viewer'], reason: 'r' }, editor)).status,
      (await rt.call('GET', '/v1/service-accounts', { token: editor })).status,
    ];

    // Assess
    expect(statuses).toEqual([403, 403, 403]);
  });

  it('lists every violation of a bad body, and a bad id, cursor or missing reason, with a 400', async () => {
    // Act
    const bad = await create({ name: 'Bad Name', roles: [], extra: 1 });
    const badId = await rt.call('GET', '/v1/service-accounts/not-an-id', { token: admin });
    const badCursor = await rt.call('GET', '/v1/service-accounts?cursor=nope', { token: admin });
    const noReason = await rt.call('DELETE', '/v1/service-accounts/00000000-0000-4000-8000-000000000000', {
      token: admin,
    });

    // Assess
    expect(bad.status).toBe(400);
    const pointers = bad.body.errors.map((e: { pointer: string }) => e.pointer);
    expect(pointers).toEqual(
      expect.arrayContaining(['/body/name', '/body/roles', '/body/reason', '/body/extra']),
    );
    expect([badId.status, badCursor.status, noReason.status]).toEqual([400, 400, 400]);
  });

  it('pages the list with nextCursor, oldest first, without repeats', async () => {
    // Prepare
    const token = await rt.token('initech', 'root', ['admin']);
    for (const name of ['a', 'b', 'c']) {
      await create({ name, roles: ['viewer'], reason: 'paging' }, token);
    }

    // Act
    const first = await rt.call('GET', '/v1/service-accounts?limit=2', { token });
    const second = await rt.call('GET', `/v1/service-accounts?limit=2&cursor=${first.body.nextCursor}`, {
      token,
    });

    // Assess
    expect(first.body.items.map((a: { name: string }) => a.name)).toEqual(['a', 'b']);
    expect(second.body.items.map((a: { name: string }) => a.name)).toEqual(['c']);
    expect(second.body.nextCursor).toBeNull();
  });
});

describe('plumb service-accounts', () => {
  it('creates with the secret once and a warning, lists, shows, rotates and deletes', async () => {
    // Prepare
    const { runPlumb } = await import('../support/run-plumb.ts');
    const env = { PLUMBLINE_URL: rt.url, PLUMBLINE_TOKEN: await rt.token('umbrella', 'root', ['admin']) };

    // Act
    const created = await runPlumb(
      [
        'service-accounts',
        'create',
        'orders',
        '--role',
        'viewer:prod',
        '--role',
        'secret-reader:prod',
        '--reason',
        'orders',
        '--json',
      ],
      env,
    );
    const issued = JSON.parse(created.out) as { id: string; clientId: string; clientSecret: string };
    const listed = await runPlumb(['service-accounts', 'list'], env);
    const shown = await runPlumb(['service-accounts', 'show', issued.id], env);
    const rotated = await runPlumb(['service-accounts', 'rotate', issued.id], env);
    const refused = await runPlumb(
      ['service-accounts', 'create', 'root', '--role', 'admin', '--reason', 'no'],
      env,
    );
    const deleted = await runPlumb(['service-accounts', 'delete', issued.id, '--reason', 'done'], env);

    // Assess
    expect(created.code).toBe(0);
    expect(created.err).toMatch(/shown this once/);
    expect(listed.out).toContain(issued.clientId);
    expect(listed.out).not.toContain(issued.clientSecret);
    expect(shown.out).toContain('viewer:prod secret-reader:prod');
    expect(shown.out).not.toContain(issued.clientSecret);
    expect(rotated.code).toBe(0);
    expect(rotated.err).toMatch(/shown this once/);
    expect(rotated.out).toMatch(/client secret: \S+/);
    expect(rotated.out).not.toContain(issued.clientSecret);
    expect(refused.code).not.toBe(0);
    expect(refused.err).toMatch(/cannot be granted admin/);
    expect(deleted.code).toBe(0);
    expect((await clientToken(issued.clientId, issued.clientSecret)).status).toBe(401);
  });
});
