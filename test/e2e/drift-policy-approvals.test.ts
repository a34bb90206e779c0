import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readOutbox, until } from '../support/poll-until.ts';
import { protectEnvironment } from '../support/protect-environment.ts';
import { startTestRuntime, type TestRuntime } from '../support/test-runtime.ts';

const T = 'acme';
const POLICY = {
  watch: { namespaces: ['shop'], labelSelector: 'drift-monitoring=enabled' },
  workloads: { web: { namespace: 'shop', kind: 'Deployment', name: 'frontend', container: 'server' } },
  tolerances: { default: 0.1, '/image': 0 },
  severity: { 'image-drift': 'critical' },
};
let rt: TestRuntime;
let admin: string;
let bob: string;

beforeAll(async () => {
  rt = await startTestRuntime({ workflowRetryIntervalMs: 5 });
  admin = await rt.token(T, 'root', ['admin']);
  bob = await rt.token(T, 'bob', ['approver:prod']);
  expect((await protectEnvironment(rt, admin, 'prod')).status).toBe(200);
});

afterAll(async () => {
  await rt?.close();
});

describe('drift policies in a protected environment', () => {
  it('turns a drift policy write in prod into a 202 change request that writes nothing, and applies it once approved', async () => {
    // Act
    const proposed = await rt.call('PUT', '/v1/drift-policies/envs/prod', {
      token: admin,
      body: { policy: POLICY, reason: 'watch the shop in prod', ticket: 'OPS-14' },
    });
    const before = await rt.call('GET', '/v1/drift-policies/envs/prod', { token: admin });
    const links = await until(
      async () =>
        (await readOutbox(rt.outboxDir)).find(
          (m) => m.requestId === proposed.body.id && m.to === 'bob' && m.links,
        )?.links,
    );
    const approved = await rt.call('POST', `/v1/change-requests/${proposed.body.id}/approve`, {
      token: bob,
      body: { comment: 'lgtm' },
    });
    const applied = await until(async () => {
      const res = await rt.call('GET', `/v1/change-requests/${proposed.body.id}`, { token: admin });
      return res.body?.status === 'applied' ? res.body : undefined;
    });
    const after = await rt.call('GET', '/v1/drift-policies/envs/prod', { token: admin });
    const history = await rt.call('GET', '/v1/drift-policies/envs/prod/versions', { token: admin });

    // Assess
    expect(proposed.status).toBe(202);
    expect(proposed.headers.get('location')).toBe(`/v1/change-requests/${proposed.body.id}`);
    expect(proposed.body).toMatchObject({
      status: 'pending',
      env: 'prod',
      requester: 'root',
      reason: 'watch the shop in prod',
      ticket: 'OPS-14',
      baseVersion: null,
      proposed: POLICY,
    });
    expect(proposed.body.target).toEqual({ collection: 'drift-policies', key: 'envs/prod' });
    expect(before.status).toBe(404);
    expect(links.approve).toMatch(/\/v1\/approvals\/[\w-]+\.[\w-]+$/);
    expect(approved.status).toBe(200);
    expect(applied.appliedVersion).toBe(1);
    expect(after.status).toBe(200);
    expect(after.body).toMatchObject({
      version: 1,
      content: POLICY,
      author: 'root',
      reason: `watch the shop in prod [change request ${proposed.body.id}]`,
    });
    expect(after.headers.get('etag')).toBe('"1"');
    expect(history.body.items.map((v: { version: number }) => v.version)).toEqual([1]);
  });

  it('refuses a bad drift policy in prod with 400 listing every violation, and opens no change request', async () => {
    // Prepare
    const current = await rt.call('GET', '/v1/drift-policies/envs/prod', { token: admin });
    const pendingBefore = await rt.call('GET', '/v1/change-requests?status=pending', { token: admin });

    // Act
    const res = await rt.call('PUT', '/v1/drift-policies/envs/prod', {
      token: admin,
      headers: { 'if-match': `"${current.body.version}"` },
      body: {
        policy: { ...POLICY, tolerances: { default: 11, '/nope': 0.1 } },
        reason: 'too loose',
      },
    });
    const pendingAfter = await rt.call('GET', '/v1/change-requests?status=pending', { token: admin });

    // Assess
    expect(res.status).toBe(400);
    const pointers = res.body.errors.map((e: { pointer: string }) => e.pointer).sort();
    expect(pointers).toEqual(['/body/policy/tolerances/default', '/body/policy/tolerances/~1nope']);
    expect(pendingAfter.body.items).toHaveLength(pendingBefore.body.items.length);
  });
});
