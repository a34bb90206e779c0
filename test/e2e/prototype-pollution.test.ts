import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  MAX_EXPANDED_LEAVES,
  MAX_PROFILE_REFERENCES,
} from '../../shared/domain/layers/profile-references.ts';
import {
  expectPrototypesUnchanged,
  type PrototypeSnapshot,
  snapshotPrototypes,
} from '../support/prototype-guard.ts';
import { startTestRuntime, type TestResponse, type TestRuntime } from '../support/test-runtime.ts';

/**
 * Issue 9, reproduction 1 (prototype pollution) and the `$profile` part of reproduction 4,
 * replayed over HTTP against the local runtime (in this process, so the prototype guard sees
 * the server's own `Object.prototype`). Hostile bodies are sent as raw JSON text: a JavaScript
 * object literal cannot carry an own `__proto__` key through `JSON.stringify`.
 */

const A = 'acme';
const B = 'globex';
let rt: TestRuntime;
let adminA: string;
let editorA: string;
let viewerA: string;
let adminB: string;
let guard: PrototypeSnapshot;

const forbiddenPointers = (res: TestResponse): string[] =>
  (res.body.errors as { pointer: string; rule: string }[])
    .filter((e) => e.rule === 'forbidden-key')
    .map((e) => e.pointer);

/** Tenant B's own layer, read back: the canary that another tenant still works. */
async function otherTenantAnswers(): Promise<number> {
  return (await rt.call('GET', '/v1/effective/envs/dev/services/s', { token: adminB })).status;
}

beforeAll(async () => {
  rt = await startTestRuntime({ workflowRetryIntervalMs: 5 });
  adminA = await rt.token(A, 'root', ['admin']);
  editorA = await rt.token(A, 'alice', ['editor']);
  viewerA = await rt.token(A, 'val', ['viewer']);
  adminB = await rt.token(B, 'root', ['admin']);
  const seeds: [string, string, unknown, number][] = [
    ['/v1/profiles/x', adminA, { content: { replicas: 2 }, reason: 'seed' }, 201],
    ['/v1/settings/envs/dev/services/s', adminB, { content: { replicas: 1 }, reason: 'seed' }, 201],
    [
      '/v1/environments/prod',
      adminA,
      {
        protected: true,
        requiredApprovals: 1,
        approvalTimeout: 'PT1H',
        approvers: [{ user: 'bob', email: 'bob@example.com' }],
        reason: 'name approvers',
      },
      200,
    ],
  ];
  for (const [path, token, body, status] of seeds) {
    expect((await rt.call('PUT', path, { token, body })).status, path).toBe(status);
  }
});

afterAll(async () => {
  await rt.close();
});

beforeEach(() => {
  guard = snapshotPrototypes();
});

afterEach(async () => {
  expectPrototypesUnchanged(guard);
  expect(await otherTenantAnswers()).toBe(200);
});

describe('reproduction 1: prototype pollution', () => {
  it('answers a viewer validate with {"__proto__": {"$profile": "x"}} with 400 naming the pointer, and another tenant still answers 200', async () => {
    // Act
    const res = await rt.call('POST', '/v1/validate/envs/dev/services/s', {
      token: viewerA,
      rawBody: '{"content": {"__proto__": {"$profile": "x"}}}',
      headers: { 'content-type': 'application/json' },
    });
    // Assess
    expect(res.status).toBe(400);
    expect(res.body.type).toContain('validation-failed');
    expect(res.body.errors).toEqual([
      expect.objectContaining({
        pointer: '/body/content/__proto__',
        rule: 'forbidden-key',
        hint: expect.any(String),
      }),
    ]);
  });

  it('answers the same content in an editor layer PUT with 400 and writes nothing', async () => {
    // Act
    const res = await rt.call('PUT', '/v1/settings/envs/dev/services/s', {
      token: editorA,
      rawBody:
        '{"content": {"web": {"__proto__": {"$profile": "x"}, "constructor": {"prototype": 1}}}, "reason": "r"}',
      headers: { 'content-type': 'application/json' },
    });
    const after = await rt.call('GET', '/v1/settings/envs/dev/services/s', { token: editorA });
    // Assess
    expect(res.status).toBe(400);
    expect(forbiddenPointers(res)).toEqual([
      '/body/content/web/__proto__',
      '/body/content/web/constructor',
      '/body/content/web/constructor/prototype',
    ]);
    expect(after.status).toBe(404);
  });

  it('answers JSON Patch paths through __proto__ and constructor with 400, not 500, and leaves the layer as it was', async () => {
    // Prepare
    const put = await rt.call('PUT', '/v1/settings/envs/dev/services/p', {
      token: editorA,
      body: { content: { replicas: 1 }, reason: 'seed' },
    });
    expect(put.status).toBe(201);
    // Act
    const res = await rt.call('PATCH', '/v1/settings/envs/dev/services/p', {
      token: editorA,
      rawBody: JSON.stringify([
        { op: 'add', path: '/__proto__/polluted', value: 'yes' },
        { op: 'add', path: '/constructor/prototype/polluted', value: 'yes' },
        { op: 'copy', from: '/constructor', path: '/x' },
      ]),
      headers: { 'content-type': 'application/json-patch+json', 'if-match': '"1"', 'plumbline-reason': 'r' },
    });
    const after = await rt.call('GET', '/v1/settings/envs/dev/services/p', { token: editorA });
    // Assess
    expect(res.status).toBe(400);
    expect(forbiddenPointers(res)).toEqual(['/body/0/path', '/body/1/path', '/body/2/from']);
    expect(after.body.version).toBe(1);
  });

  it('answers a merge patch with __proto__ with 400 instead of dropping it and answering 201', async () => {
    // Act
    const res = await rt.call('PATCH', '/v1/settings/envs/dev/services/p', {
      token: editorA,
      rawBody: '{"replicas": 3, "__proto__": {"approvedChangeRequest": true}}',
      headers: { 'content-type': 'application/merge-patch+json', 'if-match': '"1"', 'plumbline-reason': 'r' },
    });
    const after = await rt.call('GET', '/v1/settings/envs/dev/services/p', { token: editorA });
    // Assess
    expect(res.status).toBe(400);
    expect(forbiddenPointers(res)).toEqual(['/body/__proto__']);
    expect(after.body).toMatchObject({ version: 1, content: { replicas: 1 } });
  });

  it('refuses prototype keys in profiles, schemas, policies, environment configs and JSON and YAML imports alike', async () => {
    // Act
    const bodies: [string, string, string][] = [
      ['PUT', '/v1/profiles/y', '{"content": {"constructor": {"a": 1}}, "reason": "r"}'],
      ['PUT', '/v1/schemas/services/s', '{"schema": {"properties": {"prototype": {}}}, "reason": "r"}'],
      ['PUT', '/v1/policies/envs/dev', '{"policy": {"__proto__": {"x": 1}}, "reason": "r"}'],
      [
        'PUT',
        '/v1/environments/dev',
        '{"protected": false, "__proto__": {"protected": true}, "reason": "r"}',
      ],
      [
        'POST',
        '/v1/import',
        '{"documents": [{"collection": "settings", "key": "global", "content": {"__proto__": {"a": 1}}}]}',
      ],
      [
        'POST',
        '/v1/import',
        'documents:\n  - collection: settings\n    key: global\n    content:\n      __proto__:\n        a: 1\n',
      ],
    ];
    const answers = await Promise.all(
      bodies.map(([method, path, rawBody]) =>
        rt.call(method, path, {
          token: adminA,
          rawBody,
          headers: { 'content-type': rawBody.startsWith('{') ? 'application/json' : 'application/yaml' },
        }),
      ),
    );
    // Assess
    expect(answers.map((res) => [res.status, forbiddenPointers(res).length > 0])).toEqual(
      bodies.map(() => [400, true]),
    );
  });

  it('still turns a prod write into a change request after every hostile request above (202)', async () => {
    // Act
    const res = await rt.call('PUT', '/v1/settings/envs/prod', {
      token: editorA,
      body: { content: { replicas: 4 }, reason: 'scale up' },
    });
    const stored = await rt.call('GET', '/v1/settings/envs/prod', { token: editorA });
    // Assess
    expect(res.status).toBe(202);
    expect(res.body.status).toBe('pending');
    expect(stored.status).toBe(404);
  });
});

describe('reproduction 4: $profile references that would freeze every tenant', () => {
  it(`refuses a layer with ${MAX_PROFILE_REFERENCES + 150} $profile references with a 422 naming the first one over the limit`, async () => {
    // Act
    const content = Object.fromEntries(
      Array.from({ length: MAX_PROFILE_REFERENCES + 150 }, (_, i) => [`r${i}`, { $profile: 'x' }]),
    );
    const res = await rt.call('PUT', '/v1/settings/envs/dev/services/many', {
      token: editorA,
      body: { content, reason: 'many' },
    });
    // Assess
    expect(res.status).toBe(422);
    expect(res.body.errors).toContainEqual(
      expect.objectContaining({
        pointer: `/r${MAX_PROFILE_REFERENCES}/$profile`,
        rule: 'profile.max-references',
      }),
    );
  });

  it(`refuses a profile change that would make existing references expand past ${MAX_EXPANDED_LEAVES} leaves`, async () => {
    // Prepare: 25 references to a small profile are fine...
    const refs = Object.fromEntries(Array.from({ length: 25 }, (_, i) => [`r${i}`, { $profile: 'grows' }]));
    expect(
      (
        await rt.call('PUT', '/v1/profiles/grows', {
          token: adminA,
          body: { content: { a: 1 }, reason: 'r' },
        })
      ).status,
    ).toBe(201);
    expect(
      (
        await rt.call('PUT', '/v1/settings/envs/dev/services/grows', {
          token: editorA,
          body: { content: refs, reason: 'r' },
        })
      ).status,
    ).toBe(201);
    // Act: ...until the profile grows to 1000 keys (25 000 leaves).
    const big = Object.fromEntries(Array.from({ length: 1000 }, (_, i) => [`k${i}`, i]));
    const res = await rt.call('PUT', '/v1/profiles/grows', {
      token: adminA,
      body: { content: big, reason: 'grow' },
      headers: { 'if-match': '"1"' },
    });
    // Assess
    expect(res.status).toBe(422);
    expect(res.body.errors).toContainEqual(
      expect.objectContaining({ pointer: '/r20/$profile', rule: 'profile.max-expanded-leaves' }),
    );
  });
});
