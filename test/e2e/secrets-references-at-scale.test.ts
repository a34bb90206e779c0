import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { callProfile, DynamoProbe } from '../support/dynamo-probe.ts';
import { seedDocuments } from '../support/seed-documents.ts';
import { startTestRuntime, type TestRuntime } from '../support/test-runtime.ts';

const SERVICES = 300;

let rt: TestRuntime;
/** Editors of a tenant with 3 services and of one with {@link SERVICES}, both in `dev`. */
let few: string;
let many: string;
const probe = new DynamoProbe();

const pad = (i: number) => String(i).padStart(4, '0');
const ref = (name: string) => ({ $secret: name });

async function createSecret(token: string, name: string): Promise<void> {
  const res = await rt.call('PUT', `/v1/secrets/envs/dev/${name}`, {
    token,
    body: { value: 'hunter2-value', criticality: 'standard', category: 'application', reason: 'init' },
  });
  expect(res.status).toBe(201);
}

/** Deletes a secret of `dev` with the probe counting the request's DynamoDB calls. */
async function countedDelete(token: string, name: string) {
  probe.reset();
  const res = await rt.call('DELETE', `/v1/secrets/envs/dev/${name}`, {
    token,
    headers: { 'plumbline-reason': 'cleanup' },
  });
  return { res, calls: callProfile(probe.attempts.filter((a) => a.end > 0)) };
}

beforeAll(async () => {
  rt = await startTestRuntime({ dynamoMiddleware: [probe.middleware] });
  few = await rt.token('refs-few', 'alice', ['editor']);
  many = await rt.token('refs-many', 'alice', ['editor']);
  const services = (count: number) =>
    Array.from({ length: count }, (_, i) => ({
      collection: 'settings',
      key: `envs/dev/services/s${pad(i)}`,
      content: { replicas: 2, name: `s${pad(i)}` },
    }));
  // Stored straight into the table (same adapter, no API validation): the references name
  // secrets that the tests create afterwards, in one tenant only.
  await seedDocuments(rt, 'refs-few', services(3));
  const referring = new Set(['envs/dev/services/s0150', 'envs/dev/services/s0200']);
  await seedDocuments(rt, 'refs-many', [
    ...services(SERVICES).filter((doc) => !referring.has(doc.key)),
    { collection: 'settings', key: 'global', content: { log: 'info', db: ref('db-password') } },
    {
      collection: 'settings',
      key: 'envs/dev/services/s0150',
      content: { replicas: 2, db: { password: ref('db-password') } },
    },
    {
      collection: 'settings',
      key: 'envs/dev/services/s0007/instances/i-1',
      content: { sidecar: [{ token: ref('db-password') }] },
    },
    {
      collection: 'settings',
      key: 'envs/dev/services/s0200',
      content: { replicas: 2, pool: { $profile: 'with-secret' } },
    },
    { collection: 'profiles', key: 'with-secret', content: { db: { password: ref('db-password') } } },
    // Reaches `stage` only: not a reference of the secret of `dev`.
    {
      collection: 'settings',
      key: 'envs/stage/services/api',
      content: { k: ref('db-password'), p: { $profile: 'stage-only' } },
    },
    { collection: 'profiles', key: 'stage-only', content: { k: ref('db-password') } },
    { collection: 'profiles', key: 'unused', content: { k: ref('db-password') } },
  ]);
}, 300_000);

afterAll(async () => {
  await rt?.close();
  await probe.close();
});

describe(`the delete check of a secret with ${SERVICES} services (issue 11's leftover)`, () => {
  it(`reads as many DynamoDB calls with ${SERVICES} services as with 3`, async () => {
    // Prepare
    await createSecret(few, 'unused-key');
    await createSecret(many, 'unused-key');

    // Act
    const small = await countedDelete(few, 'unused-key');
    const large = await countedDelete(many, 'unused-key');

    // Assess
    expect(small.res.status).toBe(200);
    expect(large.res.status).toBe(200);
    expect(large.calls.ops).toEqual(small.calls.ops);
    // A constant, whatever the number of services: the secret's own reads and delete, plus one cold
    // projection read (its Query, the change log's Query beside it, the one-time build from the catalog).
    expect(large.calls.total).toBeLessThanOrEqual(10);
  }, 60_000);

  it('finds references in global, a service layer, an instance layer and a profile a dev layer pulls in, and nothing else', async () => {
    // Prepare
    await createSecret(many, 'db-password');

    // Act
    const { res, calls } = await countedDelete(many, 'db-password');

    // Assess
    expect(res.status).toBe(409);
    expect(res.body.reason).toBe('secret-in-use');
    expect(res.body.references).toEqual([
      { document: 'envs/dev/services/s0007/instances/i-1', pointer: '/sidecar/0/token' },
      { document: 'envs/dev/services/s0150', pointer: '/db/password' },
      { document: 'global', pointer: '/db' },
      { document: 'profiles/with-secret', pointer: '/db/password' },
    ]);
    expect(calls.total).toBeLessThan(10);
  }, 60_000);

  it("does not count another tenant's references to a secret of the same name", async () => {
    // Prepare: `refs-many` references `db-password` in `dev`, `refs-few` does not
    await createSecret(few, 'db-password');

    // Act
    const { res } = await countedDelete(few, 'db-password');

    // Assess
    expect(res.status).toBe(200);
    expect(res.body.state).toBe('pending-deletion');
  }, 60_000);
});
