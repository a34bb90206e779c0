import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OutboxMessage } from '../../shared/adapters/local/outbox-notifier.ts';
import { readOutbox, until } from '../support/poll-until.ts';
import { startTestRuntime, type TestRuntime } from '../support/test-runtime.ts';

const T = 'acme';
let rt: TestRuntime;
let admin: string;
let alice: string;
let bob: string;
let carol: string;
let mallory: string;
let otherTenant: string;

function outbox(): Promise<OutboxMessage[]> {
  return readOutbox(rt.outboxDir);
}

async function requestStatus(id: string, status: string) {
  return until(async () => {
    const res = await rt.call('GET', `/v1/change-requests/${id}`, { token: alice });
    return res.body?.status === status ? res.body : undefined;
  });
}

async function linksFor(id: string, to: string): Promise<{ approve: string; reject: string }> {
  return until(async () => (await outbox()).find((m) => m.requestId === id && m.to === to && m.links)?.links);
}

async function proposeProd(content: Record<string, unknown>, token = alice) {
  const current = await rt.call('GET', '/v1/settings/envs/prod', { token });
  return rt.call('PUT', '/v1/settings/envs/prod', {
    token,
    body: { content, reason: 'scale up', ticket: 'OPS-7' },
    headers: current.status === 200 ? { 'if-match': `"${current.body.version}"` } : {},
  });
}

beforeAll(async () => {
  rt = await startTestRuntime({ workflowRetryIntervalMs: 5 });
  admin = await rt.token(T, 'root', ['admin']);
  alice = await rt.token(T, 'alice', ['editor']);
  bob = await rt.token(T, 'bob', ['approver:prod']);
  carol = await rt.token(T, 'carol', ['viewer']);
  mallory = await rt.token(T, 'mallory', ['approver']);
  otherTenant = await rt.token('globex', 'bob', ['admin', 'approver']);
});

afterAll(async () => {
  await rt.close();
});

describe('protected environments and change requests over HTTP', () => {
  it('protects prod by default and refuses writes there until approvers are configured (409)', async () => {
    // Prepare
    // Act
    const env = await rt.call('GET', '/v1/environments/prod', { token: alice });
    const write = await proposeProd({ replicas: 2 });
    // Assess
    expect(env.status).toBe(200);
    expect(env.body).toMatchObject({ env: 'prod', protected: true, approvers: [], configured: false });
    expect(write.status).toBe(409);
    expect(write.body.type).toContain('approvers-required');
    expect(write.body.detail).toContain('configure approvers');
  });

  it('lets only admins configure an environment, directly while it has no approvers', async () => {
    // Prepare
    const body = {
      protected: true,
      requiredApprovals: 1,
      approvalTimeout: 'PT1H',
      approvers: [
        { user: 'bob', email: 'bob@example.com', slack: 'U123' },
        { user: 'carol', email: 'carol@example.com' },
      ],
      reason: 'name approvers',
    };
    // Act
    const denied = await rt.call('PUT', '/v1/environments/prod', { token: alice, body });
    const bad = await rt.call('PUT', '/v1/environments/prod', {
      token: admin,
      body: {
        ...body,
        requiredApprovals: 5,
        approvalTimeout: 'P1Y',
        approvers: [{ user: 'bob', email: 'nope' }],
      },
    });
    const ok = await rt.call('PUT', '/v1/environments/prod', { token: admin, body });
    // Assess
    expect(denied.status).toBe(403);
    expect(bad.status).toBe(400);
    // The approver count is checked on the approvers' users, though one email is malformed.
    expect(bad.body.errors.map((e: { pointer: string }) => e.pointer).sort()).toEqual([
      '/body/approvalTimeout',
      '/body/approvers/0/email',
      '/body/requiredApprovals',
    ]);
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ protected: true, configured: true, version: 1 });
    expect(ok.headers.get('etag')).toBe('"1"');
  });

  it('turns a write to prod into a 202 change request with a Location, writing nothing', async () => {
    // Prepare
    // Act
    const res = await proposeProd({ replicas: 3 });
    // Assess
    expect(res.status).toBe(202);
    expect(res.headers.get('location')).toBe(`/v1/change-requests/${res.body.id}`);
    expect(res.body).toMatchObject({
      status: 'pending',
      env: 'prod',
      requester: 'alice',
      reason: 'scale up',
      ticket: 'OPS-7',
      baseVersion: null,
      requiredApprovals: 1,
      receivedApprovals: 0,
      proposed: { replicas: 3 },
    });
    expect(res.body.patch).toEqual([{ op: 'add', path: '/replicas', value: 3 }]);
    expect(res.body.taskToken).toBeUndefined();
    expect((await rt.call('GET', '/v1/settings/envs/prod', { token: alice })).status).toBe(404);
  });

  it('enforces the decision rules through the API and applies on approval', async () => {
    // Prepare
    const created = (await proposeProd({ replicas: 4 })).body;
    await linksFor(created.id, 'bob');
    // Act
    const self = await rt.call('POST', `/v1/change-requests/${created.id}/approve`, {
      token: alice,
      body: {},
    });
    const notListed = await rt.call('POST', `/v1/change-requests/${created.id}/approve`, {
      token: mallory,
      body: {},
    });
    const noRole = await rt.call('POST', `/v1/change-requests/${created.id}/approve`, {
      token: carol,
      body: {},
    });
    const foreign = await rt.call('POST', `/v1/change-requests/${created.id}/approve`, {
      token: otherTenant,
      body: {},
    });
    const ok = await rt.call('POST', `/v1/change-requests/${created.id}/approve`, {
      token: bob,
      body: { comment: 'lgtm' },
    });
    const applied = await requestStatus(created.id, 'applied');
    const late = await rt.call('POST', `/v1/change-requests/${created.id}/reject`, { token: bob, body: {} });
    // Assess
    expect(self.status).toBe(403);
    expect(notListed.status).toBe(403);
    expect(noRole.status).toBe(403);
    expect(foreign.status).toBe(404);
    expect(ok.status).toBe(200);
    expect(ok.body.status).toBe('approved');
    expect(late.status).toBe(409);
    const settings = await rt.call('GET', '/v1/settings/envs/prod', { token: alice });
    expect(settings.body).toMatchObject({ version: 1, content: { replicas: 4 }, author: 'alice' });
    expect(applied.appliedVersion).toBe(1);
    expect(applied.history.map((h: { action: string }) => h.action)).toEqual([
      'requested',
      'notified',
      'approved',
      'quorum-reached',
      'applied',
    ]);
    expect(applied.history[2]).toMatchObject({ actor: 'bob', comment: 'lgtm' });
    // The log names the change request as changeRequestId; requestId stays the HTTP request's.
    const logged = rt.logger.lines.filter((line) => line.attributes.changeRequestId === created.id);
    expect(logged.map((line) => line.message).filter((m) => m.startsWith('change request'))).toEqual([
      'change request created',
      'change request decided',
      'change request applied',
    ]);
    expect(rt.logger.lines.filter((line) => line.attributes.requestId === created.id)).toEqual([]);
  });

  it('re-validates an approved change when it is applied, and fails it when it no longer holds', async () => {
    // Prepare: a valid proposal, then a schema that the proposal breaks
    const proposed = await rt.call('PUT', '/v1/settings/envs/prod/services/billing', {
      token: alice,
      body: { content: { replicas: 5 }, reason: 'five billing replicas' },
    });
    expect(proposed.status).toBe(202);
    await linksFor(proposed.body.id, 'bob');
    const schema = await rt.call('PUT', '/v1/schemas/services/billing', {
      token: alice,
      body: {
        schema: { type: 'object', properties: { replicas: { type: 'integer', maximum: 3 } } },
        rules: [],
        strict: false,
        reason: 'billing never needs more than 3',
      },
    });
    expect(schema.status).toBe(201);
    // Act
    const approve = await rt.call('POST', `/v1/change-requests/${proposed.body.id}/approve`, {
      token: bob,
      body: {},
    });
    const failed = await requestStatus(proposed.body.id, 'failed');
    // Assess
    expect(approve.status).toBe(200);
    expect(failed.appliedVersion ?? null).toBeNull();
    expect((await rt.call('GET', '/v1/settings/envs/prod/services/billing', { token: alice })).status).toBe(
      404,
    );
  });

  it('gates PATCH and rollback of prod settings the same way', async () => {
    // Prepare
    // Act
    const patch = await rt.call('PATCH', '/v1/settings/envs/prod', {
      token: alice,
      rawBody: JSON.stringify({ replicas: 6 }),
      headers: {
        'content-type': 'application/merge-patch+json',
        'if-match': '"1"',
        'plumbline-reason': 'more',
      },
    });
    const rollback = await rt.call('POST', '/v1/settings/envs/prod/rollback', {
      token: alice,
      body: { toVersion: 1, reason: 'back' },
      headers: { 'if-match': '"1"' },
    });
    // Assess
    expect(patch.status).toBe(202);
    expect(patch.body.proposed).toEqual({ replicas: 6 });
    expect(rollback.status).toBe(202);
    expect(rollback.body.baseVersion).toBe(1);
  });

  it('lists change requests by status and environment, and hides them from other tenants', async () => {
    // Prepare
    // Act
    const pending = await rt.call('GET', '/v1/change-requests?status=pending&env=prod', { token: carol });
    const applied = await rt.call('GET', '/v1/change-requests?status=applied', { token: carol });
    const foreignList = await rt.call('GET', '/v1/change-requests', { token: otherTenant });
    const bad = await rt.call('GET', '/v1/change-requests?status=nope&limit=0', { token: carol });
    // Assess
    expect(pending.status).toBe(200);
    expect(pending.body.items.length).toBeGreaterThanOrEqual(2);
    expect(pending.body.items.every((r: { status: string }) => r.status === 'pending')).toBe(true);
    expect(applied.body.items).toHaveLength(1);
    expect(foreignList.body.items).toHaveLength(0);
    expect(bad.status).toBe(400);
    expect(bad.body.errors).toHaveLength(2);
  });

  it('lets only the requester withdraw', async () => {
    // Prepare
    const created = (await proposeProd({ replicas: 8 })).body;
    // Act
    const byOther = await rt.call('POST', `/v1/change-requests/${created.id}/withdraw`, {
      token: admin,
      body: {},
    });
    const byRequester = await rt.call('POST', `/v1/change-requests/${created.id}/withdraw`, {
      token: alice,
      body: { comment: 'not needed' },
    });
    // Assess
    expect(byOther.status).toBe(403);
    expect(byRequester.status).toBe(200);
    expect(byRequester.body.status).toBe('withdrawn');
  });

  it('gates a global write only when it changes a protected environment’s effective settings', async () => {
    // Prepare: prod's own layer sets replicas, so a global replicas value does not reach prod
    // Act
    const hidden = await rt.call('PUT', '/v1/settings/global', {
      token: admin,
      body: { content: { replicas: 1 }, reason: 'default' },
    });
    const visible = await rt.call('PUT', '/v1/settings/global', {
      token: admin,
      body: { content: { replicas: 1, logLevel: 'debug' }, reason: 'more logs' },
      headers: { 'if-match': '"1"' },
    });
    // Assess
    expect(hidden.status).toBe(201);
    expect(visible.status).toBe(202);
    expect(visible.body).toMatchObject({
      env: 'prod',
      target: { collection: 'settings', key: 'global' },
      baseVersion: 1,
    });
    expect(visible.body.history[0].detail).toContain('effective settings of protected prod');
  });

  it('makes changing a configured environment’s approvers an approved change', async () => {
    // Prepare
    const current = await rt.call('GET', '/v1/environments/prod', { token: admin });
    // Act
    const res = await rt.call('PUT', '/v1/environments/prod', {
      token: admin,
      body: { protected: false, reason: 'unprotect' },
      headers: { 'if-match': `"${current.body.version}"` },
    });
    // Assess
    expect(res.status).toBe(202);
    expect(res.body.target).toEqual({ collection: 'environments', key: 'prod' });
    expect((await rt.call('GET', '/v1/environments/prod', { token: admin })).body.protected).toBe(true);
  });
});

describe('approval links and the approval page', () => {
  it('sends each approver their own links in the outbox, with absolute URLs to this server', async () => {
    // Prepare
    const created = (await proposeProd({ replicas: 10 })).body;
    // Act
    const bobLinks = await linksFor(created.id, 'bob');
    const carolLinks = await linksFor(created.id, 'carol');
    const message = (await outbox()).find((m) => m.requestId === created.id && m.to === 'bob');
    // Assess
    expect(bobLinks.approve.startsWith(`${rt.url}/v1/approvals/`)).toBe(true);
    expect(bobLinks.approve).not.toBe(carolLinks.approve);
    expect(message).toMatchObject({
      channel: 'email',
      address: 'bob@example.com',
      kind: 'approval-requested',
    });
    expect(message?.text).toContain(bobLinks.approve);
    expect((await outbox()).some((m) => m.requestId === created.id && m.to === 'alice')).toBe(false);
  });

  it('shows the page on GET and decides nothing, however often it is fetched', async () => {
    // Prepare
    const created = (await proposeProd({ replicas: 11 })).body;
    const links = await linksFor(created.id, 'bob');
    // Act
    const first = await fetch(links.approve);
    const html = await first.text();
    await fetch(links.approve);
    await fetch(links.reject);
    const after = await rt.call('GET', `/v1/change-requests/${created.id}`, { token: alice });
    // Assess
    expect(first.status).toBe(200);
    expect(first.headers.get('content-type')).toContain('text/html');
    expect(first.headers.get('referrer-policy')).toBe('no-referrer');
    expect(html).toContain('You act as <strong id="acting-as">bob</strong>');
    expect(html).toContain('/replicas');
    expect(html).toContain('scale up');
    expect(after.body.status).toBe('pending');
    expect(after.body.decisions).toEqual([]);
  });

  it('refuses forged, malformed and reused links, and links to a closed request, with a clear page that changes nothing', async () => {
    // Prepare
    const created = (await proposeProd({ replicas: 12 })).body;
    const links = await linksFor(created.id, 'bob');
    const carolLinks = await linksFor(created.id, 'carol');
    const [payload, signature] = (links.approve.split('/v1/approvals/')[1] as string).split('.') as [
      string,
      string,
    ];
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
    const forgedPayload = Buffer.from(JSON.stringify({ ...claims, a: 'mallory' })).toString('base64url');
    const form = { 'content-type': 'application/x-www-form-urlencoded' };
    // Act
    const forged = await fetch(`${rt.url}/v1/approvals/${forgedPayload}.${signature}`, {
      method: 'POST',
      headers: form,
      body: 'comment=x',
    });
    const garbage = await fetch(`${rt.url}/v1/approvals/not-a-token`, { method: 'GET' });
    const used = await fetch(links.reject, { method: 'POST', headers: form, body: 'comment=no' });
    const reused = await fetch(links.approve, { method: 'POST', headers: form, body: '' });
    const carolAfterClose = await fetch(carolLinks.approve, { method: 'POST', headers: form, body: '' });
    // Assess
    expect(forged.status).toBe(403);
    expect(await forged.text()).toContain('data-problem="forged"');
    expect(garbage.status).toBe(400);
    expect(used.status).toBe(200);
    expect(reused.status).toBe(409);
    expect(await reused.text()).toContain('data-problem="used"');
    expect(carolAfterClose.status).toBe(409);
    const final = await requestStatus(created.id, 'rejected');
    expect(final.decisions).toEqual([
      expect.objectContaining({ actor: 'bob', decision: 'reject', comment: 'no', via: 'link' }),
    ]);
  });

  it('answers JSON to a JSON POST and hides other tenants’ requests behind the link’s own tenant', async () => {
    // Prepare
    const created = (await proposeProd({ replicas: 13 })).body;
    const links = await linksFor(created.id, 'carol');
    // Act
    const res = await fetch(links.approve, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ comment: 'ok <script>alert(1)</script>' }),
    });
    const foreign = await rt.call('GET', `/v1/change-requests/${created.id}`, { token: otherTenant });
    // Assess
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ requestId: created.id, decision: 'approve', status: 'approved' });
    expect(foreign.status).toBe(404);
    const applied = await requestStatus(created.id, 'applied');
    expect(applied.history.find((h: { action: string }) => h.action === 'approved').comment).toBe(
      'ok <script>alert(1)</script>',
    );
  });
});
