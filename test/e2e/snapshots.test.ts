import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { startTestRuntime, type TestRuntime } from '../support/test-runtime.ts';

let rt: TestRuntime;
let editor: string;
let admin: string;
let viewer: string;
let other: string;
let now = new Date('2026-03-01T10:00:00.000Z');
const tick = (minutes: number) => {
  now = new Date(now.getTime() + minutes * 60_000);
};

const put = (path: string, token: string, body: unknown, ifMatch?: number) =>
  rt.call('PUT', path, { token, body, ...(ifMatch ? { headers: { 'if-match': `"${ifMatch}"` } } : {}) });

beforeAll(async () => {
  rt = await startTestRuntime({ clock: { now: () => now } });
  editor = await rt.token('acme', 'erin', ['editor']);
  admin = await rt.token('acme', 'ada', ['admin']);
  viewer = await rt.token('acme', 'vic', ['viewer']);
  other = await rt.token('globex', 'gus', ['admin']);
  // 10:00 v1 of each layer; 11:00 v2 of the service layer.
  expect(
    (
      await put('/v1/settings/global', editor, {
        content: { log: { level: 'info' }, tags: ['x'] },
        reason: 'defaults',
      })
    ).status,
  ).toBe(201);
  expect(
    (
      await put('/v1/settings/envs/staging', editor, {
        content: { log: { level: 'warn' } },
        reason: 'staging',
      })
    ).status,
  ).toBe(201);
  expect(
    (
      await put('/v1/settings/envs/staging/services/api', editor, {
        content: { replicas: 2, 'feature.flag': true },
        reason: 'api',
      })
    ).status,
  ).toBe(201);
  expect(
    (await put('/v1/profiles/minimal', editor, { content: { replicas: 1 }, reason: 'min' })).status,
  ).toBe(201);
  expect(
    (await put('/v1/policies/envs/staging', admin, { policy: { requiredLabels: [] }, reason: 'p' })).status,
  ).toBe(201);
  tick(60);
  expect(
    (
      await put(
        '/v1/settings/envs/staging/services/api',
        editor,
        { content: { replicas: 3, 'feature.flag': true, note: 'a "quoted" $value' }, reason: 'more' },
        1,
      )
    ).status,
  ).toBe(201);
  tick(60);
});

afterAll(async () => {
  await rt.close();
});

describe('tags', () => {
  it('tags a version, reads the scope by tag, lists tags and refuses a duplicate tag', async () => {
    const tagged = await rt.call('POST', '/v1/settings/envs/staging/services/api/tags', {
      token: editor,
      body: { version: 1, tag: 'v1.0.0' },
    });
    expect(tagged.status).toBe(201);
    expect(tagged.body).toMatchObject({
      tag: 'v1.0.0',
      version: 1,
      scope: 'envs/staging/services/api',
      taggedBy: 'erin',
    });
    const read = await rt.call('GET', '/v1/settings/envs/staging/services/api?tag=v1.0.0', { token: viewer });
    expect(read.status).toBe(200);
    expect(read.body.version).toBe(1);
    expect(read.body.content.replicas).toBe(2);
    const dup = await rt.call('POST', '/v1/settings/envs/staging/services/api/tags', {
      token: editor,
      body: { version: 2, tag: 'v1.0.0' },
    });
    expect(dup.status).toBe(409);
    const list = await rt.call('GET', '/v1/settings/envs/staging/services/api/tags', { token: viewer });
    expect(list.body.items).toEqual([expect.objectContaining({ tag: 'v1.0.0', version: 1 })]);
  });

  it('rejects bad tags, unknown versions and unknown tags, and hides tags from other tenants', async () => {
    const bad = await rt.call('POST', '/v1/settings/global/tags', {
      token: editor,
      body: { version: 1, tag: 'latest' },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.errors[0].pointer).toBe('/body/tag');
    expect(
      (
        await rt.call('POST', '/v1/settings/global/tags', {
          token: editor,
          body: { version: 9, tag: 'v9.0.0' },
        })
      ).status,
    ).toBe(404);
    expect((await rt.call('GET', '/v1/settings/global?tag=v8.0.0', { token: viewer })).status).toBe(404);
    expect(
      (await rt.call('GET', '/v1/settings/envs/staging/services/api?tag=v1.0.0', { token: other })).status,
    ).toBe(404);
    expect(
      (
        await rt.call('POST', '/v1/settings/envs/staging/services/api/tags', {
          token: other,
          body: { version: 1, tag: 'v2.0.0' },
        })
      ).status,
    ).toBe(404);
    expect(
      (await rt.call('GET', '/v1/settings/envs/staging/services/api/tags', { token: other })).status,
    ).toBe(404);
    expect(
      (
        await rt.call('POST', '/v1/settings/global/tags', {
          token: viewer,
          body: { version: 1, tag: 'v1.0.0' },
        })
      ).status,
    ).toBe(403);
  });
});

describe('export', () => {
  it('exports the whole tenant as JSON and YAML snapshots', async () => {
    const res = await rt.call('GET', '/v1/export', { token: viewer });
    expect(res.status).toBe(200);
    expect(res.body.kind).toBe('plumbline.snapshot');
    const ids = res.body.documents.map(
      (d: { collection: string; key: string }) => `${d.collection}:${d.key}`,
    );
    expect(ids).toEqual([
      'profiles:minimal',
      'policies:envs/staging',
      'settings:envs/staging',
      'settings:envs/staging/services/api',
      'settings:global',
    ]);
    const yamlRes = await rt.call('GET', '/v1/export?format=yaml', { token: viewer });
    expect(yamlRes.headers.get('content-type')).toContain('application/yaml');
    expect(parse(yamlRes.text).documents).toEqual(res.body.documents);
  });

  it('exports the state at a point in time', async () => {
    const res = await rt.call('GET', '/v1/export?at=2026-03-01T10:30:00Z', { token: viewer });
    const api = res.body.documents.find((d: { key: string }) => d.key === 'envs/staging/services/api');
    expect(api).toMatchObject({ version: 1, content: { replicas: 2 } });
    expect(res.body.at).toBe('2026-03-01T10:30:00.000Z');
    const before = await rt.call('GET', '/v1/export?at=2026-02-01T00:00:00Z', { token: viewer });
    expect(before.body.documents).toEqual([]);
    const latest = await rt.call('GET', '/v1/export?env=staging&service=api', { token: viewer });
    expect(latest.body.documents.map((d: { key: string; version: number }) => [d.key, d.version])).toEqual([
      ['envs/staging/services/api', 2],
    ]);
  });

  it('exports effective settings as dotenv and as a ConfigMap with the documented flattening', async () => {
    const env = await rt.call('GET', '/v1/export?format=dotenv&env=staging', { token: viewer });
    expect(env.status).toBe(200);
    expect(env.headers.get('content-type')).toContain('text/plain');
    expect(env.text).toContain('LOG__LEVEL=warn');
    expect(env.text).toContain('REPLICAS=3');
    expect(env.text).toContain('TAGS__0=x');
    expect(env.text).toContain('FEATURE_FLAG=true');
    expect(env.text).toContain(`NOTE='a "quoted" $value'`);
    const old = await rt.call('GET', '/v1/export?format=dotenv&env=staging&at=2026-03-01T10:30:00Z', {
      token: viewer,
    });
    expect(old.text).toContain('REPLICAS=2');
    const cm = await rt.call('GET', '/v1/export?format=configmap&env=staging&service=api', { token: viewer });
    const doc = parse(cm.text);
    expect(doc).toMatchObject({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'api', namespace: 'staging' },
      data: { REPLICAS: '3', LOG__LEVEL: 'warn' },
    });
  });

  it('rejects bad export parameters with a 400 listing each, and exports nothing of another tenant', async () => {
    const bad = await rt.call('GET', '/v1/export?format=xml&at=yesterday', { token: viewer });
    expect(bad.status).toBe(400);
    expect(bad.body.errors.map((e: { pointer: string }) => e.pointer).sort()).toEqual([
      '/query/at',
      '/query/format',
    ]);
    const devViewer = await rt.token('acme', 'dee', ['viewer:staging']);
    expect((await rt.call('GET', '/v1/export', { token: devViewer })).status).toBe(403);
    const own = await rt.call('GET', '/v1/export?env=staging', { token: devViewer });
    expect(own.status).toBe(200);
    expect(own.body.documents.length).toBeGreaterThan(0);
    expect((await rt.call('GET', '/v1/export?env=dev', { token: devViewer })).status).toBe(403);
    const theirs = await rt.call('GET', '/v1/export', { token: other });
    expect(theirs.body.documents).toEqual([]);
  });
});

describe('import', () => {
  it('plans create/update/unchanged with diffs and validation, writes nothing, then applies', async () => {
    const snap = (await rt.call('GET', '/v1/export', { token: viewer })).body;
    const documents = snap.documents.map((d: { collection: string; key: string; content: unknown }) =>
      d.key === 'envs/staging/services/api'
        ? { ...d, content: { replicas: 5 } }
        : d.collection === 'policies'
          ? { ...d, content: { allowedRegistries: ['r.io/'] } }
          : d,
    );
    documents.push({
      collection: 'settings',
      key: 'envs/staging/services/web',
      content: { hpa: { minReplicas: 2, maxReplicas: 3 } },
    });
    documents.push({
      collection: 'settings',
      key: 'envs/staging/services/bad',
      content: { hpa: { minReplicas: 9, maxReplicas: 3 } },
    });
    const plan = await rt.call('POST', '/v1/import', { token: editor, body: { documents } });
    expect(plan.status).toBe(200);
    expect(plan.body.mode).toBe('plan');
    expect(plan.body.summary).toMatchObject({ create: 2, update: 2, unchanged: 3, invalid: 1, written: 0 });
    const api = plan.body.documents.find((d: { key: string }) => d.key === 'envs/staging/services/api');
    expect(api).toMatchObject({ action: 'update', currentVersion: 2, validation: { valid: true } });
    expect(api.diff).toEqual(expect.arrayContaining([{ op: 'replace', path: '/replicas', value: 5 }]));
    const bad = plan.body.documents.find((d: { key: string }) => d.key === 'envs/staging/services/bad');
    expect(bad.validation.errors[0]).toMatchObject({ rule: 'hpa.min-le-max' });
    expect((await rt.call('GET', '/v1/settings/envs/staging/services/web', { token: viewer })).status).toBe(
      404,
    );

    const noReason = await rt.call('POST', '/v1/import?mode=apply', { token: editor, body: { documents } });
    expect(noReason.status).toBe(400);
    const applied = await rt.call('POST', '/v1/import?mode=apply', {
      token: editor,
      body: { documents },
      headers: { 'plumbline-reason': 'restore' },
    });
    expect(applied.status).toBe(200);
    expect(applied.body.summary).toMatchObject({ written: 2, skipped: 5 });
    const reasons = Object.fromEntries(
      applied.body.documents.map(
        (d: { collection: string; key: string; result: string; skipped?: { reason: string } }) => [
          `${d.collection}:${d.key}`,
          d.skipped?.reason ?? d.result,
        ],
      ),
    );
    expect(reasons).toEqual({
      'profiles:minimal': 'unchanged',
      'policies:envs/staging': 'forbidden',
      'settings:global': 'unchanged',
      'settings:envs/staging': 'unchanged',
      'settings:envs/staging/services/api': 'written',
      'settings:envs/staging/services/web': 'written',
      'settings:envs/staging/services/bad': 'invalid',
    });
    const api2 = await rt.call('GET', '/v1/settings/envs/staging/services/api', { token: viewer });
    expect(api2.body).toMatchObject({ version: 3, reason: 'restore', content: { replicas: 5 } });
  });

  it('accepts YAML, rejects bad keys with a 400 listing each, and keeps tenants apart', async () => {
    const yamlText =
      'documents:\n  - collection: settings\n    key: envs/staging/services/api\n    content:\n      replicas: 7\n';
    const plan = await rt.call('POST', '/v1/import', {
      token: editor,
      rawBody: yamlText,
      headers: { 'content-type': 'application/yaml' },
    });
    expect(plan.status).toBe(200);
    expect(plan.body.documents[0]).toMatchObject({ action: 'update', currentVersion: 3 });
    const theirs = await rt.call('POST', '/v1/import', {
      token: other,
      rawBody: yamlText,
      headers: { 'content-type': 'application/yaml' },
    });
    expect(theirs.body.documents[0]).toMatchObject({ action: 'create', currentVersion: null });
    const badKeys = await rt.call('POST', '/v1/import', {
      token: editor,
      body: {
        documents: [
          { collection: 'settings', key: 'nope/x', content: {} },
          { collection: 'profiles', key: 'Bad Name', content: {} },
        ],
      },
    });
    expect(badKeys.status).toBe(400);
    expect(badKeys.body.errors.map((e: { pointer: string }) => e.pointer)).toEqual([
      '/body/documents/0/key',
      '/body/documents/1/key',
    ]);
  });
});

describe('malformed documents', () => {
  /** One malformed document of every kind, with the pointer its problem must name. */
  const MALFORMED: {
    name: string;
    doc: { collection: string; key: string; content: unknown };
    pointer: string;
  }[] = [
    {
      name: 'a settings layer that is not an object',
      doc: { collection: 'settings', key: 'envs/staging/services/m', content: ['replicas', 2] },
      pointer: '/content',
    },
    {
      name: 'a profile that pulls in another profile',
      doc: { collection: 'profiles', key: 'nested', content: { web: { $profile: 'minimal' } } },
      pointer: '/content/web/$profile',
    },
    {
      name: 'a schema document without a schema',
      doc: { collection: 'schemas', key: 'services/m1', content: { rules: [] } },
      pointer: '/content/schema',
    },
    {
      name: 'a schema document whose strict flag is a string',
      doc: { collection: 'schemas', key: 'services/m2', content: { schema: {}, strict: 'yes' } },
      pointer: '/content/strict',
    },
    {
      name: 'a schema document with an unknown member',
      doc: { collection: 'schemas', key: 'services/m3', content: { schema: {}, extra: 1 } },
      pointer: '/content/extra',
    },
    {
      name: 'a JSON Schema that does not compile',
      doc: { collection: 'schemas', key: 'services/m4', content: { schema: { type: 'nope' } } },
      pointer: '/content/schema/type',
    },
    {
      name: 'a CEL rule that does not parse',
      doc: {
        collection: 'schemas',
        key: 'services/m5',
        content: { schema: {}, rules: [{ id: 'r', expr: 'self.a <', message: 'm' }] },
      },
      pointer: '/content/rules/0/expr',
    },
    {
      name: 'a policy whose allowedRegistries is a string (reproduction 6)',
      doc: {
        collection: 'policies',
        key: 'envs/m1',
        content: { allowedRegistries: 'registry.example.com/' },
      },
      pointer: '/content/allowedRegistries',
    },
    {
      name: 'a policy with an unknown member',
      doc: { collection: 'policies', key: 'envs/m2', content: { allowedRegistry: ['r.io/'] } },
      pointer: '/content/allowedRegistry',
    },
    {
      name: 'a policy with a bound that is not a quantity',
      doc: { collection: 'policies', key: 'envs/m3', content: { resources: { cpu: { min: 'lots' } } } },
      pointer: '/content/resources/cpu/min',
    },
  ];

  it('reports every kind of malformed document as a 400 naming its pointer, on plan and apply, and writes nothing', async () => {
    // Prepare
    const before = (await rt.call('GET', '/v1/export', { token: viewer })).body.documents;
    const valid = { collection: 'settings', key: 'envs/staging/services/fine', content: { replicas: 1 } };
    for (const { name, doc, pointer } of MALFORMED) {
      for (const mode of ['plan', 'apply']) {
        // Act
        const res = await rt.call('POST', `/v1/import?mode=${mode}`, {
          token: admin,
          body: { documents: [valid, doc] },
          headers: { 'plumbline-reason': 'restore' },
        });
        // Assess
        expect({ name, mode, status: res.status }).toEqual({ name, mode, status: 400 });
        expect(res.body.errors.map((e: { pointer: string }) => e.pointer)).toContain(
          `/body/documents/1${pointer}`,
        );
      }
    }
    // Together, in one answer: the first case is refused by the body schema, and the others are still looked at.
    const together = MALFORMED;
    const all = await rt.call('POST', '/v1/import?mode=apply', {
      token: admin,
      body: { documents: together.map((m) => m.doc) },
      headers: { 'plumbline-reason': 'restore' },
    });
    expect(all.status).toBe(400);
    for (const [i, { pointer }] of together.entries())
      expect(all.body.errors.map((e: { pointer: string }) => e.pointer)).toContain(
        `/body/documents/${i}${pointer}`,
      );
    expect((await rt.call('GET', '/v1/export', { token: viewer })).body.documents).toEqual(before);
  });

  it('lists a bad collection, a malformed policy and a bad key of other documents in one 400', async () => {
    // Act
    const res = await rt.call('POST', '/v1/import', {
      token: admin,
      body: {
        documents: [
          { collection: 'bogus', key: 'x', content: {} },
          { collection: 'policies', key: 'envs/m9', content: { allowedRegistries: 'r.io/' } },
          { collection: 'policies', key: 'envs/Bad', content: {} },
          { collection: 'settings', key: 7, content: ['not', 'an', 'object'] },
          {
            collection: 'policies',
            key: 'envs/m10',
            content: { colour: 'red', resources: { cpu: { min: '4', max: '2' } } },
          },
        ],
      },
    });
    // Assess
    expect(res.status).toBe(400);
    expect(res.body.errors.map((e: { pointer: string; rule: string }) => `${e.pointer} ${e.rule}`)).toEqual([
      '/body/documents/0/collection picklist',
      '/body/documents/3/key string',
      '/body/documents/3/content custom',
      '/body/documents/1/content/allowedRegistries array',
      '/body/documents/2/key key',
      '/body/documents/4/content/colour strict_object',
      '/body/documents/4/content/resources/cpu policy.bounds-order',
    ]);
  });

  it('refuses a policy whose allowedRegistries is a string on PUT too, and image writes keep working (reproduction 6)', async () => {
    const put = await rt.call('PUT', '/v1/policies/envs/repro6', {
      token: admin,
      body: { policy: { allowedRegistries: 'registry.example.com/' }, reason: 'restrict' },
    });
    expect(put.status).toBe(400);
    expect(put.body.errors.map((e: { pointer: string }) => e.pointer)).toEqual([
      '/body/policy/allowedRegistries',
    ]);
    expect((await rt.call('GET', '/v1/policies/envs/repro6', { token: viewer })).status).toBe(404);
    const image = await rt.call('PUT', '/v1/settings/envs/repro6/services/api', {
      token: editor,
      body: { content: { image: 'registry.example.com/api:1' }, reason: 'deploy' },
    });
    expect(image.status).toBe(201);
  });
});
