import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { callProfile, DynamoProbe } from '../support/dynamo-probe.ts';
import { seedDocuments } from '../support/seed-documents.ts';
import { startTestRuntime, type TestRuntime } from '../support/test-runtime.ts';

const DEV_SERVICES = 3000;
const LIVE_SERVICES = 500;

let rt: TestRuntime;
let admin: string;
const probe = new DynamoProbe();

const pad = (i: number) => String(i).padStart(4, '0');

async function etag(path: string): Promise<string> {
  const res = await rt.call('GET', path, { token: admin });
  expect(res.status).toBe(200);
  return res.headers.get('etag') as string;
}

/** Sends one request with the probe counting its DynamoDB calls. */
async function counted(method: string, path: string, options: Parameters<TestRuntime['call']>[2]) {
  probe.reset();
  const res = await rt.call(method, path, options);
  // Prefetches still in flight when the answer came (a read the request turned out not to need) are not on its path.
  return { res, calls: callProfile(probe.attempts.filter((a) => a.end > 0)) };
}

beforeAll(async () => {
  rt = await startTestRuntime({ dynamoMiddleware: [probe.middleware] });
  admin = await rt.token('scale', 'ada', ['admin']);
  const global = await rt.call('PUT', '/v1/settings/global', {
    token: admin,
    body: { content: { log: { level: 'info' } }, reason: 'defaults' },
  });
  expect(global.status).toBe(201);
  // Stored straight into the table (same adapter, no API validation): the API would take minutes.
  await seedDocuments(rt, 'scale', [
    ...Array.from({ length: DEV_SERVICES }, (_, i) => ({
      collection: 'settings',
      key: `envs/dev/services/s${pad(i)}`,
      content: { replicas: 2, name: `s${pad(i)}` },
    })),
    { collection: 'settings', key: 'envs/live', content: { log: { level: 'warn' } } },
    ...Array.from({ length: LIVE_SERVICES }, (_, i) => ({
      collection: 'settings',
      key: `envs/live/services/l${pad(i)}`,
      content: { replicas: 3 },
    })),
  ]);
  // `live` becomes protected once its services exist, with an approver other than the writer.
  const env = await rt.call('PUT', '/v1/environments/live', {
    token: admin,
    body: { protected: true, approvers: [{ user: 'bob' }], reason: 'protect live' },
  });
  expect(env.body).toMatchObject({ protected: true, version: 1 });
}, 600_000);

afterAll(async () => {
  await rt?.close();
  await probe.close();
});

describe(`wide writes with ${DEV_SERVICES} services and a protected environment of ${LIVE_SERVICES} (issue 11)`, () => {
  it('validates a global write against every service, the last one included, without a DynamoDB call per service', async () => {
    // Prepare: only the last service has a schema, which the proposed global value breaks
    const last = `s${pad(DEV_SERVICES - 1)}`;
    const schema = await rt.call('PUT', `/v1/schemas/services/${last}`, {
      token: admin,
      body: {
        schema: { type: 'object', properties: { limit: { type: 'integer', maximum: 3 } } },
        rules: [],
        strict: false,
        reason: 'limit at most 3',
      },
    });
    expect(schema.status).toBe(201);
    const ifMatch = await etag('/v1/settings/global');
    // Act
    const { res, calls } = await counted('PUT', '/v1/settings/global', {
      token: admin,
      body: { content: { log: { level: 'info' }, limit: 10 }, reason: 'raise the limit' },
      headers: { 'if-match': ifMatch },
    });
    // Assess
    expect(res.status).toBe(422);
    expect(res.body.detail).toContain(`${DEV_SERVICES + LIVE_SERVICES} configuration(s)`);
    expect(res.body.errors.map((e: { target: string }) => e.target)).toEqual([`envs/dev/services/${last}`]);
    expect(calls.total).toBeLessThan(40);
  }, 120_000);

  it('writes global directly when it leaves the protected environment unchanged, in 2 round trips plus projection pages', async () => {
    // Prepare
    const ifMatch = await etag('/v1/settings/global');
    // Act: `live` sets its own log level, so only dev's effective settings change
    const { res, calls } = await counted('PUT', '/v1/settings/global', {
      token: admin,
      body: { content: { log: { level: 'debug' } }, reason: 'more logs' },
      headers: { 'if-match': ifMatch },
    });
    const dev = await rt.call('GET', '/v1/effective/envs/dev/services/s0001', { token: admin });
    const live = await rt.call('GET', `/v1/effective/envs/live/services/l${pad(LIVE_SERVICES - 1)}`, {
      token: admin,
    });
    // Assess
    expect(res.status).toBe(201);
    expect(dev.body.content).toMatchObject({ log: { level: 'debug' }, replicas: 2 });
    expect(live.body.content).toMatchObject({ log: { level: 'warn' }, replicas: 3 });
    // One read round, the projection's second page (3500 documents), then the version put and projection update.
    expect(calls.total).toBeLessThan(40);
    expect(calls.criticalPath).toBeLessThanOrEqual(3);
    expect(calls.ops.filter((op) => op === 'PutItem')).toHaveLength(1);
  }, 120_000);

  it('writes one service layer in 2 sequential round trips and reads effective settings in 1', async () => {
    // Prepare
    const path = '/v1/settings/envs/dev/services/s0042';
    const ifMatch = await etag(path);
    await rt.call('GET', '/v1/effective/envs/dev/services/s0042', { token: admin });
    // Act
    const write = await counted('PUT', path, {
      token: admin,
      body: { content: { replicas: 4, web: { $profile: 'none-yet' } }, reason: 'bad profile' },
      headers: { 'if-match': ifMatch },
    });
    const good = await counted('PUT', path, {
      token: admin,
      body: { content: { replicas: 4 }, reason: 'four' },
      headers: { 'if-match': ifMatch },
    });
    const read = await counted('GET', '/v1/effective/envs/dev/services/s0042', { token: admin });
    // Assess
    expect(write.res.status).toBe(422);
    // A refused write: its read round, then the withdrawal of its announcement (so that it leaves
    // the table exactly as it was before it answers), never a put.
    expect(write.calls.criticalPath).toBe(2);
    expect(write.calls.ops).not.toContain('PutItem');
    expect(good.res.status).toBe(201);
    expect(good.calls.criticalPath).toBe(2);
    expect(read.res.status).toBe(200);
    expect(read.res.body.content).toMatchObject({ replicas: 4 });
    expect(read.calls.criticalPath).toBe(1);
    expect(read.calls.total).toBe(4);
  });
});
