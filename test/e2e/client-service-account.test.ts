import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import * as v from 'valibot';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defineSettings } from '../../shared/client/index.ts';
import { startTestRuntime, type TestRuntime } from '../support/test-runtime.ts';
import { tempDir } from '../unit/client/client-fixtures.ts';

let rt: TestRuntime;
let tmp: Awaited<ReturnType<typeof tempDir>>;

function tokenRequest(body: string, authorization?: string) {
  return fetch(`${rt.url}/oauth2/token`, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      ...(authorization ? { authorization } : {}),
    },
    body,
  });
}

/** A service account of tenant acme, created through the runtime's directory (the HTTP routes are not wired yet). */
const createAccount = (name: string, roles: string[]) =>
  rt.serviceAccounts.create({ tenantId: 'acme', name, roles, reason: 'test', createdBy: 'root' });

const basic = (id: string, secret: string) => `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`;

beforeAll(async () => {
  tmp = await tempDir();
  rt = await startTestRuntime();
  const admin = await rt.token('acme', 'root', ['admin']);
  await rt.call('PUT', '/v1/environments/prod', { token: admin, body: { protected: false, reason: 'seed' } });
  const seeded = await rt.call('PUT', '/v1/settings/envs/prod/services/orders', {
    token: admin,
    body: { content: { pool: { size: 4 } }, reason: 'seed' },
  });
  expect(seeded.status).toBe(201);
});
afterAll(async () => {
  await rt?.close();
  await tmp.cleanup();
});

describe('service accounts with the local token authority', () => {
  it('gets a token with client credentials at POST /oauth2/token, and the library reads settings with it', async () => {
    // Prepare
    const { account, clientSecret } = await createAccount('orders', ['viewer:prod']);
    const tokenUrl = rt.serviceAccounts.tokenUrl();

    // Act
    const res = await tokenRequest('grant_type=client_credentials', basic(account.clientId, clientSecret));
    const granted = (await res.json()) as { access_token: string; token_type: string; expires_in: number };
    const settings = await defineSettings(v.object({ pool: v.object({ size: v.number() }) }), {
      argv: [],
      env: false,
      plumbline: {
        url: rt.url,
        env: 'prod',
        service: 'orders',
        auth: { tokenUrl, clientId: account.clientId, clientSecret },
        cacheFile: tmp.path('orders.json'),
      },
    }).load();

    // Assess
    expect(tokenUrl).toBe(`${rt.url}/oauth2/token`);
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(granted).toMatchObject({ token_type: 'Bearer', expires_in: 3600 });
    expect(await rt.tokens.verify(granted.access_token)).toMatchObject({
      tenant_id: 'acme',
      roles: ['viewer:prod'],
      sub: `service-account:${account.id}`,
    });
    expect(settings).toEqual({ pool: { size: 4 } });
  });

  it('answers RFC 6749 errors: no grant, another grant, no or wrong client credentials', async () => {
    // Prepare
    const { account, clientSecret } = await createAccount('errors', ['viewer']);
    const good = basic(account.clientId, clientSecret);

    // Act
    const answers = await Promise.all([
      tokenRequest('', good),
      tokenRequest('grant_type=password&username=a&password=b', good),
      tokenRequest('grant_type=client_credentials'),
      tokenRequest('grant_type=client_credentials', basic(account.clientId, 'wrong')),
      tokenRequest('grant_type=client_credentials', basic('unknown-client', clientSecret)),
    ]);

    // Assess
    const summary = await Promise.all(
      answers.map(async (r) => [
        r.status,
        ((await r.json()) as { error: string }).error,
        r.headers.get('www-authenticate'),
      ]),
    );
    expect(summary).toEqual([
      [400, 'invalid_request', null],
      [400, 'unsupported_grant_type', null],
      [401, 'invalid_client', 'Basic realm="plumbline"'],
      [401, 'invalid_client', 'Basic realm="plumbline"'],
      [401, 'invalid_client', 'Basic realm="plumbline"'],
    ]);
  });

  it('keeps only scrypt hashes of the secrets in the data directory, in a 0600 file', async () => {
    // Prepare
    const { clientSecret } = await createAccount('stored', ['viewer']);

    // Act
    const file = join(rt.outboxDir, '..', 'service-accounts.json');
    const text = await readFile(file, 'utf8');

    // Assess
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect(text).not.toContain(clientSecret);
    expect(text).toContain('"secretHash"');
  });
});
