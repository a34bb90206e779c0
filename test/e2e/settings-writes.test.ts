import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestRuntime, type TestRuntime } from '../support/test-runtime.ts';

let rt: TestRuntime;
let editor: string;
let admin: string;
let n = 0;
const fresh = () => `/v1/settings/envs/writes-${++n}`;

beforeAll(async () => {
  rt = await startTestRuntime();
  editor = await rt.token('acme', 'alice', ['editor']);
  admin = await rt.token('acme', 'root', ['admin']);
});
afterAll(async () => rt.close());

async function create(path: string, content: Record<string, unknown> = { replicas: 2 }) {
  const res = await rt.call('PUT', path, { token: editor, body: { content, reason: 'initial' } });
  expect(res.status).toBe(201);
  return res;
}

async function versionCount(path: string): Promise<number> {
  const page = await rt.call('GET', `${path}/versions?limit=100`, { token: editor });
  return page.body.items.length;
}

describe('If-Match: * (RFC 9110)', () => {
  it('replaces an existing document whatever its current version', async () => {
    // Prepare
    const path = fresh();
    await create(path);
    // Act
    const res = await rt.call('PUT', path, {
      token: editor,
      body: { content: { replicas: 3 }, reason: 'any version' },
      headers: { 'if-match': '*' },
    });
    // Assess
    expect(res.status).toBe(201);
    expect(res.body.version).toBe(2);
  });

  it('answers 412 and writes nothing when the document does not exist', async () => {
    // Prepare
    const path = fresh();
    // Act
    const res = await rt.call('PUT', path, {
      token: editor,
      body: { content: { replicas: 3 }, reason: 'any version' },
      headers: { 'if-match': '*' },
    });
    // Assess
    expect(res.status).toBe(412);
    expect((await rt.call('GET', path, { token: editor })).status).toBe(404);
  });

  it('is accepted by PATCH and rollback too', async () => {
    // Prepare
    const path = fresh();
    await create(path);
    // Act
    const patch = await rt.call('PATCH', path, {
      token: editor,
      rawBody: '{"replicas": 5}',
      headers: { 'content-type': 'application/merge-patch+json', 'if-match': '*', 'plumbline-reason': 'x' },
    });
    const rollback = await rt.call('POST', `${path}/rollback`, {
      token: editor,
      body: { toVersion: 1, reason: 'undo' },
      headers: { 'if-match': '*' },
    });
    // Assess
    expect(patch.status).toBe(201);
    expect(rollback.status).toBe(201);
    expect(rollback.body).toMatchObject({ version: 3, content: { replicas: 2 } });
  });

  it('still refuses anything that is neither a version ETag nor *', async () => {
    const path = fresh();
    await create(path);
    const res = await rt.call('PUT', path, {
      token: editor,
      body: { content: { replicas: 3 }, reason: 'x' },
      headers: { 'if-match': '"*"' },
    });
    expect(res.status).toBe(400);
    expect(res.body.errors[0]).toMatchObject({ pointer: '/headers/if-match', rule: 'etag' });
  });
});

describe('no-op writes', () => {
  it('answers an identical PUT with 200 and the current version, and writes nothing', async () => {
    // Prepare
    const path = fresh();
    await create(path, { replicas: 2, labels: { team: 'core' } });
    // Act
    const res = await rt.call('PUT', path, {
      token: editor,
      // Same content, keys in another order: equal by canonical JSON.
      body: { content: { labels: { team: 'core' }, replicas: 2 }, reason: 'again' },
      headers: { 'if-match': '"1"' },
    });
    // Assess
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ version: 1, reason: 'initial' });
    expect(res.headers.get('etag')).toBe('"1"');
    expect(await versionCount(path)).toBe(1);
  });

  it('answers an empty merge patch and an empty JSON Patch with 200 and writes nothing', async () => {
    // Prepare
    const path = fresh();
    await create(path);
    const patch = (contentType: string, body: string) =>
      rt.call('PATCH', path, {
        token: editor,
        rawBody: body,
        headers: { 'content-type': contentType, 'if-match': '"1"', 'plumbline-reason': 'nothing' },
      });
    // Act
    const merge = await patch('application/merge-patch+json', '{}');
    const jsonPatch = await patch('application/json-patch+json', '[]');
    const sameValue = await patch('application/merge-patch+json', '{"replicas": 2}');
    // Assess
    expect([merge.status, jsonPatch.status, sameValue.status]).toEqual([200, 200, 200]);
    expect(merge.body.version).toBe(1);
    expect(await versionCount(path)).toBe(1);
  });

  it('writes a new identical version with ?allowEmpty=true', async () => {
    // Prepare
    const path = fresh();
    await create(path);
    // Act
    const put = await rt.call('PUT', `${path}?allowEmpty=true`, {
      token: editor,
      body: { content: { replicas: 2 }, reason: 'redeploy marker' },
      headers: { 'if-match': '"1"' },
    });
    const patch = await rt.call('PATCH', `${path}?allowEmpty=true`, {
      token: editor,
      rawBody: '{}',
      headers: {
        'content-type': 'application/merge-patch+json',
        'if-match': '"2"',
        'plumbline-reason': 'marker',
      },
    });
    // Assess
    expect(put.status).toBe(201);
    expect(put.body).toMatchObject({ version: 2, keysTouchedPercent: 0 });
    expect(patch.status).toBe(201);
    expect(await versionCount(path)).toBe(3);
  });

  it('still checks If-Match before calling a write a no-op', async () => {
    const path = fresh();
    await create(path);
    await rt.call('PUT', path, {
      token: editor,
      body: { content: { replicas: 9 }, reason: 'v2' },
      headers: { 'if-match': '"1"' },
    });
    const stale = await rt.call('PUT', path, {
      token: editor,
      body: { content: { replicas: 9 }, reason: 'same as v2, but I read v1' },
      headers: { 'if-match': '"1"' },
    });
    expect(stale.status).toBe(412);
  });

  it('opens no change request for a no-op write to a protected environment', async () => {
    // Prepare: a layer written before its environment became protected.
    const path = '/v1/settings/envs/guarded';
    await create(path, { replicas: 4 });
    const protect = await rt.call('PUT', '/v1/environments/guarded', {
      token: admin,
      body: {
        protected: true,
        requiredApprovals: 1,
        approvalTimeout: 'PT1H',
        approvers: [{ user: 'bob', email: 'bob@example.com' }],
        reason: 'protect it',
      },
    });
    expect(protect.status).toBeLessThan(300);
    // Act
    const same = await rt.call('PUT', path, {
      token: editor,
      body: { content: { replicas: 4 }, reason: 'nothing new' },
      headers: { 'if-match': '"1"' },
    });
    const changed = await rt.call('PUT', path, {
      token: editor,
      body: { content: { replicas: 5 }, reason: 'something new' },
      headers: { 'if-match': '"1"' },
    });
    // Assess
    expect(same.status).toBe(200);
    expect(changed.status).toBe(202);
    const requests = await rt.call('GET', '/v1/change-requests?env=guarded', { token: admin });
    expect(requests.body.items).toHaveLength(1);
    expect(requests.body.items[0].reason).toBe('something new');
  });
});

describe('rollbacks are marked', () => {
  it('records rollbackOf in the version, its GET and the history', async () => {
    // Prepare
    const path = fresh();
    await create(path, { replicas: 1 });
    await rt.call('PUT', path, {
      token: editor,
      body: { content: { replicas: 7 }, reason: 'v2' },
      headers: { 'if-match': '"1"' },
    });
    // Act
    const rollback = await rt.call('POST', `${path}/rollback`, {
      token: editor,
      body: { toVersion: 1, reason: 'undo v2' },
      headers: { 'if-match': '"2"' },
    });
    const got = await rt.call('GET', `${path}?version=3`, { token: editor });
    const history = await rt.call('GET', `${path}/versions`, { token: editor });
    // Assess
    expect(rollback.status).toBe(201);
    expect(rollback.body.rollbackOf).toBe(1);
    expect(got.body.rollbackOf).toBe(1);
    expect(history.body.items.map((i: { version: number; rollbackOf?: number }) => i.rollbackOf)).toEqual([
      1,
      undefined,
      undefined,
    ]);
  });
});
