import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { protectEnvironment } from '../support/protect-environment.ts';
import { startTestRuntime, type TestRuntime } from '../support/test-runtime.ts';

const T = 'acme';
let rt: TestRuntime;
let admin: string;
const ids: Record<'prod' | 'staging', string[]> = { prod: [], staging: [] };

/** Reads a cursor the way an attacker would: it is base64url JSON, so any id in it is visible. */
function idsInCursor(cursor: string): string[] {
  return (
    Buffer.from(cursor, 'base64url')
      .toString('utf8')
      .match(/cr-[0-9a-z-]+/g) ?? []
  );
}

async function pageThrough(token: string, query = ''): Promise<{ seen: string[]; cursors: string[] }> {
  const seen: string[] = [];
  const cursors: string[] = [];
  let cursor: string | null = null;
  do {
    const res = await rt.call(
      'GET',
      `/v1/change-requests?limit=1${query}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
      { token },
    );
    expect(res.status).toBe(200);
    seen.push(...res.body.items.map((item: { id: string }) => item.id));
    cursor = res.body.nextCursor;
    if (cursor) cursors.push(cursor);
  } while (cursor && cursors.length < 50);
  return { seen, cursors };
}

beforeAll(async () => {
  // Prepare: prod and staging protected, with pending requests interleaved newest-first across both.
  rt = await startTestRuntime({ workflowRetryIntervalMs: 5 });
  admin = await rt.token(T, 'root', ['admin']);
  const alice = await rt.token(T, 'alice', ['editor']);
  for (const env of ['prod', 'staging']) {
    expect((await protectEnvironment(rt, admin, env)).status).toBe(200);
  }
  for (const [i, env] of (
    ['prod', 'staging', 'prod', 'prod', 'staging', 'prod', 'staging'] as const
  ).entries()) {
    const res = await rt.call('PUT', `/v1/settings/envs/${env}/services/svc-${i}`, {
      token: alice,
      body: { content: { replicas: i + 1 }, reason: `change ${i}` },
    });
    expect(res.status).toBe(202);
    ids[env].push(res.body.id);
  }
});

afterAll(async () => {
  await rt.close();
});

describe('change requests of environments the caller cannot read stay invisible', () => {
  it('pages an env-limited viewer through exactly its environment, with no other id in any cursor', async () => {
    // Prepare
    const viewer = await rt.token(T, 'vera', ['viewer:staging']);
    // Act
    const { seen, cursors } = await pageThrough(viewer);
    // Assess
    expect(seen).toEqual([...ids.staging].reverse());
    expect(cursors.length).toBeGreaterThan(0);
    for (const cursor of cursors) for (const id of idsInCursor(cursor)) expect(ids.prod).not.toContain(id);
  });

  it('pages an env-limited approver the same way, also when filtering by status', async () => {
    // Prepare
    const approver = await rt.token(T, 'bob', ['approver:staging']);
    // Act
    const { seen, cursors } = await pageThrough(approver, '&status=pending');
    // Assess
    expect(seen).toEqual([...ids.staging].reverse());
    for (const cursor of cursors) for (const id of idsInCursor(cursor)) expect(ids.prod).not.toContain(id);
  });

  it('answers an empty page when an env-limited caller filters on an environment it cannot read', async () => {
    // Prepare
    const viewer = await rt.token(T, 'vera', ['viewer:staging']);
    // Act
    const res = await rt.call('GET', '/v1/change-requests?env=prod', { token: viewer });
    // Assess
    expect(res.body).toEqual({ items: [], nextCursor: null });
  });

  it('still lists every environment for an unlimited viewer', async () => {
    // Prepare
    const viewer = await rt.token(T, 'carol', ['viewer']);
    // Act
    const { seen } = await pageThrough(viewer);
    // Assess
    expect([...seen].sort()).toEqual([...ids.prod, ...ids.staging].sort());
  });

  it('answers the same 404 for a request in an unreadable environment as for an unknown id, also on withdraw and approve', async () => {
    // Prepare
    const viewer = await rt.token(T, 'vera', ['viewer:staging', 'approver:staging']);
    const hidden = ids.prod[0] as string;
    const unknown = hidden.replace(/.$/, (c) => (c === '0' ? '1' : '0'));
    // Act
    const forHidden = await rt.call('GET', `/v1/change-requests/${hidden}`, { token: viewer });
    const forUnknown = await rt.call('GET', `/v1/change-requests/${unknown}`, { token: viewer });
    const editor = await rt.token(T, 'eddie', ['editor:staging']);
    const withdrawHidden = await rt.call('POST', `/v1/change-requests/${hidden}/withdraw`, {
      token: editor,
      body: {},
    });
    const approveHidden = await rt.call('POST', `/v1/change-requests/${hidden}/approve`, {
      token: viewer,
      body: {},
    });
    // Assess
    expect(forHidden.status).toBe(404);
    expect(forUnknown.status).toBe(404);
    expect(withdrawHidden.status).toBe(404);
    expect(approveHidden.status).toBe(404);
    const shape = (body: Record<string, unknown>, id: string) => ({
      ...body,
      detail: String(body.detail).replace(id, '<id>'),
      instance: String(body.instance).replace(id, '<id>'),
      requestId: typeof body.requestId,
    });
    expect(shape(forHidden.body, hidden)).toEqual(shape(forUnknown.body, unknown));
  });

  it('refuses a cursor this API did not issue, such as a bare request id', async () => {
    // Prepare
    const viewer = await rt.token(T, 'carol', ['viewer']);
    // Act
    const res = await rt.call('GET', `/v1/change-requests?cursor=${ids.prod[0]}`, { token: viewer });
    // Assess
    expect(res.status).toBe(400);
    expect(res.body.errors[0]).toMatchObject({ pointer: '/query/cursor' });
  });
});
