import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OutboxMessage } from '../../shared/adapters/local/outbox-notifier.ts';
import { readOutbox, until } from '../support/poll-until.ts';
import { startTestRuntime, type TestRuntime } from '../support/test-runtime.ts';

// Issue 9, reproduction 3: an approval must cover what a `$profile` reference brings, not the reference.
const T = 'acme';
let rt: TestRuntime;
let admin: string;
let alice: string;
let bob: string;

function outbox(): Promise<OutboxMessage[]> {
  return readOutbox(rt.outboxDir);
}

async function settled(id: string) {
  return until(async () => {
    const res = await rt.call('GET', `/v1/change-requests/${id}`, { token: alice });
    return ['applied', 'conflicted', 'failed'].includes(res.body?.status) ? res.body : undefined;
  });
}

async function approvalMessage(id: string): Promise<OutboxMessage> {
  return until(async () => (await outbox()).find((m) => m.requestId === id && m.to === 'bob' && m.links));
}

async function profileVersion(name: string): Promise<number> {
  return (await rt.call('GET', `/v1/profiles/${name}`, { token: alice })).body.version;
}

beforeAll(async () => {
  rt = await startTestRuntime({ workflowRetryIntervalMs: 5 });
  admin = await rt.token(T, 'root', ['admin']);
  alice = await rt.token(T, 'alice', ['editor']);
  bob = await rt.token(T, 'bob', ['approver:prod']);
  const seed = async (path: string, body: Record<string, unknown>, headers: Record<string, string> = {}) =>
    expect((await rt.call('PUT', path, { token: admin, body, headers })).status).toBeLessThan(300);
  await seed('/v1/environments/prod', { protected: false, reason: 'seed first' });
  await seed('/v1/settings/envs/prod', { content: { image: 'r.io/api:1' }, reason: 'seed' });
  await seed('/v1/settings/envs/prod/services/api', { content: { replicas: 2 }, reason: 'seed' });
  await seed('/v1/settings/envs/prod/services/billing', { content: { replicas: 1 }, reason: 'seed' });
  await seed('/v1/profiles/web', { content: { image: 'r.io/web:1' }, reason: 'web image' });
  await seed('/v1/profiles/batch', { content: { image: 'r.io/batch:1' }, reason: 'batch image' });
  await seed(
    '/v1/environments/prod',
    { protected: true, approvers: [{ user: 'bob', email: 'bob@example.com' }], reason: 'name approvers' },
    { 'if-match': '"1"' },
  );
});

afterAll(async () => {
  await rt.close();
});

describe('an approval covers the effective change (issue 9, reproduction 3)', () => {
  it('records, shows and applies the effective change a $profile reference brings', async () => {
    // Prepare
    // Act
    const proposed = await rt.call('PUT', '/v1/settings/envs/prod/services/billing', {
      token: alice,
      headers: { 'if-match': '"1"' },
      body: { content: { $profile: 'batch', replicas: 1 }, reason: 'use the batch profile' },
    });
    const message = await approvalMessage(proposed.body.id);
    const page = await (await fetch(message.links?.approve as string)).text();
    await rt.call('POST', `/v1/change-requests/${proposed.body.id}/approve`, { token: bob, body: {} });
    const final = await settled(proposed.body.id);
    const effective = await rt.call('GET', '/v1/effective/envs/prod/services/billing', { token: alice });
    // Assess
    expect(proposed.status).toBe(202);
    expect(proposed.body.effective).toEqual([
      {
        target: 'envs/prod/services/billing',
        hash: expect.stringMatching(/^[0-9a-f]{64}$/),
        patch: [{ op: 'replace', path: '/image', value: 'r.io/batch:1' }],
        inputs: {
          'settings global': null,
          'settings envs/prod': 1,
          'settings envs/prod/services/billing': 1,
          'profiles batch': 1,
          'schemas services/billing': null,
          'policies envs/prod': null,
        },
      },
    ]);
    expect(message.text).toContain('replace /image = "r.io/batch:1"');
    const effectiveTable = page.slice(page.indexOf('<table aria-label="effective diff">'));
    expect(effectiveTable).toContain('<code>envs/prod/services/billing</code>');
    expect(effectiveTable).toContain('&quot;r.io/batch:1&quot;');
    expect(final.status).toBe('applied');
    expect(effective.body.content).toEqual({ image: 'r.io/batch:1', replicas: 1 });
  });

  it('ends conflicted and writes nothing when the profile a pending request adds changes before approval', async () => {
    // Prepare: a pending request adds `$profile: web` to prod's api service
    const proposed = await rt.call('PUT', '/v1/settings/envs/prod/services/api', {
      token: alice,
      headers: { 'if-match': '"1"' },
      body: { content: { $profile: 'web', replicas: 2 }, reason: 'use the web profile' },
    });
    await approvalMessage(proposed.body.id);
    // ... and while it waits, the editor changes profile `web` (not yet referenced in prod, so not gated)
    const edited = await rt.call('PUT', '/v1/profiles/web', {
      token: alice,
      headers: { 'if-match': `"${await profileVersion('web')}"` },
      body: { content: { image: 'r.io/evil:2' }, reason: 'another image' },
    });
    // Act: the approver approves what they were shown
    const approve = await rt.call('POST', `/v1/change-requests/${proposed.body.id}/approve`, {
      token: bob,
      body: { comment: 'web:1 is fine' },
    });
    const final = await settled(proposed.body.id);
    // Assess
    expect(proposed.status).toBe(202);
    expect(proposed.body.effective[0]).toMatchObject({
      target: 'envs/prod/services/api',
      patch: [{ op: 'replace', path: '/image', value: 'r.io/web:1' }],
    });
    expect(edited.status).toBe(201);
    expect(approve.status).toBe(200);
    expect(final.status).toBe('conflicted');
    expect(final.appliedVersion).toBeNull();
    expect(final.history.at(-1)).toMatchObject({ action: 'conflicted' });
    expect(final.history.at(-1).detail).toContain(
      'envs/prod/services/api: profile web changed from v1 to v2',
    );
    const layer = await rt.call('GET', '/v1/settings/envs/prod/services/api', { token: alice });
    expect(layer.body).toMatchObject({ version: 1, content: { replicas: 2 } });
    const effective = await rt.call('GET', '/v1/effective/envs/prod/services/api', { token: alice });
    expect(effective.body.content).toEqual({ image: 'r.io/api:1', replicas: 2 });
    const outcome = await until(async () =>
      (await outbox()).find((m) => m.requestId === proposed.body.id && m.kind === 'outcome'),
    );
    expect(outcome.text).toContain('profile web changed from v1 to v2');
  });

  it('ends conflicted when the proposal would now change a configuration the approver did not see', async () => {
    // Prepare: a pending env-layer change reaches every prod service there is
    const proposed = await rt.call('PUT', '/v1/settings/envs/prod', {
      token: alice,
      headers: { 'if-match': '"1"' },
      body: { content: { image: 'r.io/api:1', logLevel: 'info' }, reason: 'log level' },
    });
    await approvalMessage(proposed.body.id);
    // ... while it waits, another approved request adds a prod service the first one would reach too
    const added = await rt.call('PUT', '/v1/settings/envs/prod/services/search', {
      token: alice,
      body: { content: { replicas: 1 }, reason: 'new service' },
    });
    await rt.call('POST', `/v1/change-requests/${added.body.id}/approve`, { token: bob, body: {} });
    expect((await settled(added.body.id)).status).toBe('applied');
    // Act
    await rt.call('POST', `/v1/change-requests/${proposed.body.id}/approve`, { token: bob, body: {} });
    const final = await settled(proposed.body.id);
    // Assess
    expect(proposed.body.effective.map((e: { target: string }) => e.target)).toEqual([
      'envs/prod',
      'envs/prod/services/api',
      'envs/prod/services/billing',
    ]);
    expect(final.status).toBe('conflicted');
    expect(final.history.at(-1).detail).toContain(
      'envs/prod/services/search would change too, which the approval did not cover',
    );
    const layer = await rt.call('GET', '/v1/settings/envs/prod', { token: alice });
    expect(layer.body).toMatchObject({ version: 1, content: { image: 'r.io/api:1' } });
  });
});
