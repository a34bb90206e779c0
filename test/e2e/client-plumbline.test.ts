import { readFile, stat } from 'node:fs/promises';
import * as v from 'valibot';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defineSettings, type PlumblineOptions, SettingsError } from '../../shared/client/index.ts';
import { until } from '../support/poll-until.ts';
import { startTestRuntime, type TestRuntime } from '../support/test-runtime.ts';
import { freePort, tempDir } from '../unit/client/client-fixtures.ts';

const T = 'acme';
const schema = v.object({
  db: v.object({ host: v.string(), port: v.number(), password: v.optional(v.string()) }),
  pool: v.object({ size: v.number() }),
  region: v.string(),
});

let rt: TestRuntime;
let admin: string;
let reader: string;
let tmp: Awaited<ReturnType<typeof tempDir>>;
/** Every response the library received: status, request ETag and body bytes. */
const seen: { status: number; ifNoneMatch: string | null; bytes: number }[] = [];

const recordingFetch: typeof fetch = async (input, init) => {
  const response = await fetch(input, init);
  const bytes = (await response.clone().arrayBuffer()).byteLength;
  const ifNoneMatch = new Headers(init?.headers).get('if-none-match');
  if (String(input).includes('/v1/effective/')) seen.push({ status: response.status, ifNoneMatch, bytes });
  return response;
};

/** Writes the next version of a layer (If-Match with the current ETag once it exists). */
async function put(path: string, content: Record<string, unknown>): Promise<void> {
  const etag = (await rt.call('GET', path, { token: admin })).headers.get('etag');
  const headers: Record<string, string> = etag ? { 'if-match': etag } : {};
  const res = await rt.call('PUT', path, { token: admin, body: { content, reason: 'test' }, headers });
  expect(res.status, res.text).toBeLessThan(300);
}

function plumbline(service: string, extra: Partial<PlumblineOptions> = {}): PlumblineOptions {
  return {
    url: rt.url,
    env: 'prod',
    service,
    auth: { token: reader },
    cacheFile: tmp.path(`${service}.json`),
    retries: 0,
    fetch: recordingFetch,
    ...extra,
  };
}

/** A loopback URL where nothing listens: Plumbline is "down". */
async function deadUrl(): Promise<string> {
  return `http://127.0.0.1:${await freePort()}`;
}

beforeAll(async () => {
  tmp = await tempDir();
  rt = await startTestRuntime();
  admin = await rt.token(T, 'root', ['admin']);
  reader = await rt.token(T, 'svc', ['viewer']);
  const env = await rt.call('PUT', '/v1/environments/prod', {
    token: admin,
    body: { protected: false, reason: 'seed' },
  });
  expect(env.status, env.text).toBeLessThan(300);
  await put('/v1/settings/global', { region: 'eu-west-1' });
  await put('/v1/settings/envs/prod', { db: { host: 'db.prod', port: 5432 }, pool: { size: 5 } });
  for (const service of ['api', 'worker', 'offline', 'stale', 'secretive']) {
    await put(`/v1/settings/envs/prod/services/${service}`, {
      pool: { size: 10 },
      db: { password: 'p4ss-word' },
    });
  }
});
afterAll(async () => {
  await rt?.close();
  await tmp.cleanup();
});

describe('the Plumbline source against the local runtime', () => {
  it('loads the effective settings and explains each leaf with its layer and version', async () => {
    // Prepare
    await put('/v1/settings/envs/prod/services/api', { pool: { size: 20 }, db: { password: 'p4ss-word' } });
    const settings = defineSettings(schema, { argv: [], env: false, plumbline: plumbline('api') });

    // Act
    const loaded = await settings.load();
    const explained = await settings.explain();
    settings.close();

    // Assess
    expect(loaded).toEqual({
      db: { host: 'db.prod', port: 5432, password: 'p4ss-word' },
      pool: { size: 20 },
      region: 'eu-west-1',
    });
    expect(explained).toEqual([
      {
        path: 'db.host',
        value: 'db.prod',
        source: 'plumbline',
        from: 'envs/prod',
        version: 1,
        secret: false,
      },
      { path: 'db.port', value: 5432, source: 'plumbline', from: 'envs/prod', version: 1, secret: false },
      {
        path: 'db.password',
        value: '[redacted]',
        source: 'plumbline',
        from: 'envs/prod/services/api',
        version: 2,
        secret: true,
      },
      {
        path: 'pool.size',
        value: 20,
        source: 'plumbline',
        from: 'envs/prod/services/api',
        version: 2,
        secret: false,
      },
      { path: 'region', value: 'eu-west-1', source: 'plumbline', from: 'global', version: 1, secret: false },
    ]);
  });

  it('polls with If-None-Match, gets 304 with zero content bytes, then picks up a change within one poll', async () => {
    // Prepare
    const settings = defineSettings(schema, {
      argv: [],
      env: false,
      plumbline: plumbline('worker', { pollSeconds: 0.05 }),
    });
    await settings.load();
    const changes: number[] = [];
    settings.subscribe((next) => changes.push(next.pool.size));
    const before = seen.length;

    // Act: one poll while nothing changed, then a change.
    const unchanged = await until(async () => seen.slice(before).find((r) => r.status === 304));
    await put('/v1/settings/envs/prod/services/worker', {
      pool: { size: 11 },
      db: { password: 'p4ss-word' },
    });
    await until(async () => (changes.length > 0 ? true : undefined));
    settings.close();

    // Assess
    expect(unchanged).toEqual({ status: 304, ifNoneMatch: expect.stringMatching(/^"/), bytes: 0 });
    expect(changes).toEqual([11]);
    expect((await settings.load()).pool.size).toBe(11);
  });

  it('rejects an invalid remote update through onError and keeps the last good settings in force', async () => {
    // Prepare
    const settings = defineSettings(schema, {
      argv: [],
      env: false,
      plumbline: plumbline('api', { pollSeconds: 0.05 }),
    });
    const good = await settings.load();
    const errors: SettingsError[] = [];
    const changes: unknown[] = [];
    settings.subscribe({ onChange: (next) => changes.push(next), onError: (error) => errors.push(error) });

    // Act
    await put('/v1/settings/envs/prod/services/api', {
      pool: { size: 'huge' },
      db: { password: 'p4ss-word' },
    });
    const error = await until(async () => errors[0]);
    settings.close();

    // Assess
    expect(error).toBeInstanceOf(SettingsError);
    expect(error.issues).toEqual([
      {
        path: 'pool.size',
        message: expect.stringContaining('Expected number'),
        source: 'plumbline envs/prod/services/api v3',
        value: 'huge',
      },
    ]);
    expect(changes).toEqual([]);
    expect(await settings.load()).toBe(good);
    await put('/v1/settings/envs/prod/services/api', { pool: { size: 20 }, db: { password: 'p4ss-word' } });
  });

  it('starts from its last-known-good file (0600, no secrets) when Plumbline is unreachable', async () => {
    // Prepare: one good load writes the file.
    const online = defineSettings(schema, { argv: [], env: false, plumbline: plumbline('offline') });
    await online.load();
    const file = tmp.path('offline.json');
    const offline = defineSettings(schema, {
      argv: [],
      env: false,
      plumbline: plumbline('offline', { url: await deadUrl() }),
    });

    // Act
    const loaded = await offline.load();
    const explained = await offline.explain();

    // Assess
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect(await readFile(file, 'utf8')).not.toContain('p4ss-word');
    expect(loaded).toEqual({ db: { host: 'db.prod', port: 5432 }, pool: { size: 10 }, region: 'eu-west-1' });
    expect(explained.find((e) => e.path === 'pool.size')?.from).toMatch(
      /^envs\/prod\/services\/offline \(last-known-good, \d+ s old\)$/,
    );
  });

  it('refuses a last-known-good file older than maxStaleSeconds', async () => {
    // Prepare
    await defineSettings(schema, { argv: [], env: false, plumbline: plumbline('stale') }).load();
    const later = Date.now() + 2 * 3600_000;

    // Act
    const error = await defineSettings(schema, {
      argv: [],
      env: false,
      plumbline: plumbline('stale', { url: await deadUrl(), maxStaleSeconds: 3600, now: () => later }),
    })
      .load()
      .catch((e: unknown) => e);

    // Assess
    expect(error).toBeInstanceOf(SettingsError);
    expect((error as SettingsError).issues).toContainEqual({
      path: '',
      message: expect.stringMatching(
        /unreachable .* last-known-good file is 72\d\d s old, beyond maxStaleSeconds 3600/,
      ),
      source: 'plumbline envs/prod/services/stale',
    });
  });

  it('keeps secrets in the last-known-good file only with cacheSecrets, encrypted with the key from the environment', async () => {
    // Prepare
    process.env.TEST_CACHE_KEY = Buffer.alloc(32, 7).toString('base64');
    const options = { cacheSecrets: true, cacheKeyEnv: 'TEST_CACHE_KEY' };
    await defineSettings(schema, { argv: [], env: false, plumbline: plumbline('secretive', options) }).load();

    // Act
    const offline = await defineSettings(schema, {
      argv: [],
      env: false,
      plumbline: plumbline('secretive', { ...options, url: await deadUrl() }),
    }).load();

    // Assess
    const text = await readFile(tmp.path('secretive.json'), 'utf8');
    expect(JSON.parse(text)).toMatchObject({ alg: 'A256GCM' });
    expect(text).not.toContain('p4ss-word');
    expect(text).not.toContain('db.prod');
    expect(offline.db.password).toBe('p4ss-word');
    delete process.env.TEST_CACHE_KEY;
  });

  it('lists a 401 from Plumbline as an issue, without touching the last-known-good file', async () => {
    // Act
    const error = await defineSettings(schema, {
      argv: [],
      env: false,
      plumbline: plumbline('api', { auth: { token: 'not-a-token' }, cacheFile: tmp.path('never.json') }),
    })
      .load()
      .catch((e: unknown) => e);

    // Assess
    expect((error as SettingsError).issues[0]).toMatchObject({
      path: '',
      message: expect.stringMatching(/^Plumbline answered 401/),
    });
    await expect(stat(tmp.path('never.json'))).rejects.toThrow(/ENOENT/);
  });
});
