import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestRuntime, type TestRuntime } from '../support/test-runtime.ts';

let rt: TestRuntime;
let editor: string;
let admin: string;
let viewer: string;
let other: string;

const put = (path: string, token: string, body: unknown, ifMatch?: number) =>
  rt.call('PUT', path, { token, body, ...(ifMatch ? { headers: { 'if-match': `"${ifMatch}"` } } : {}) });
const latestVersion = async (path: string) =>
  (await rt.call('GET', path, { token: viewer })).body?.version as number | undefined;

beforeAll(async () => {
  rt = await startTestRuntime();
  editor = await rt.token('acme', 'erin', ['editor']);
  admin = await rt.token('acme', 'ada', ['admin']);
  viewer = await rt.token('acme', 'vic', ['viewer']);
  other = await rt.token('globex', 'gus', ['admin']);
  const web = {
    image: 'r.io/web:1',
    labels: { team: 'web' },
    resources: { requests: { cpu: '250m' } },
    hpa: { minReplicas: 2, maxReplicas: 4, targetAverageUtilization: 75 },
  };
  expect(
    (await put('/v1/settings/global', editor, { content: { log: 'info' }, reason: 'defaults' })).status,
  ).toBe(201);
  expect(
    (await put('/v1/settings/envs/staging/services/web', editor, { content: web, reason: 'web' })).status,
  ).toBe(201);
  expect(
    (
      await put('/v1/settings/envs/staging/services/web/instances/i-1', editor, {
        content: { hpa: { maxReplicas: 6 } },
        reason: 'i-1',
      })
    ).status,
  ).toBe(201);
});

afterAll(async () => {
  await rt.close();
});

describe('validation on settings writes', () => {
  it('refuses a layer that breaks several HPA rules with a 422 listing every violation, and writes nothing', async () => {
    const before = await latestVersion('/v1/settings/envs/staging/services/web');
    const res = await put(
      '/v1/settings/envs/staging/services/web',
      editor,
      {
        content: {
          image: 'r.io/web:2',
          hpa: { minReplicas: 9, maxReplicas: 3, targetAverageUtilization: 95, tolerance: 0.5 },
        },
        reason: 'bad',
      },
      before,
    );
    expect(res.status).toBe(422);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
    expect(res.body.type).toContain('settings-invalid');
    const found = res.body.errors.map((e: { pointer: string; rule: string }) => `${e.pointer} ${e.rule}`);
    expect(found).toEqual(
      expect.arrayContaining([
        '/hpa/minReplicas hpa.min-le-max',
        '/hpa/targetAverageUtilization hpa.target-utilization',
        '/hpa/tolerance hpa.tolerance',
        '/resources/requests/cpu hpa.request-required',
      ]),
    );
    const minMax = res.body.errors.find((e: { rule: string }) => e.rule === 'hpa.min-le-max');
    expect(minMax).toMatchObject({
      value: 9,
      scope: 'envs/staging/services/web',
      target: 'envs/staging/services/web',
    });
    expect(typeof minMax.message).toBe('string');
    expect(typeof minMax.hint).toBe('string');
    expect(await latestVersion('/v1/settings/envs/staging/services/web')).toBe(before);
  });

  it('re-validates every service and instance below a global write and names the layer that supplied each value', async () => {
    expect(
      (await put('/v1/settings/envs/dev/services/api', editor, { content: { replicas: 1 }, reason: 'api' }))
        .status,
    ).toBe(201);
    const res = await put(
      '/v1/settings/global',
      editor,
      { content: { log: 'info', hpa: { tolerance: 0.5 } }, reason: 'oops' },
      1,
    );
    expect(res.status).toBe(422);
    const targets = res.body.errors.map((e: { target: string }) => e.target).sort();
    // One entry per service (its instance inherits the same value from the same layer).
    expect(targets).toEqual(['envs/dev/services/api', 'envs/staging/services/web']);
    expect(
      res.body.errors.every(
        (e: { scope: string; rule: string }) => e.scope === 'global' && e.rule === 'hpa.tolerance',
      ),
    ).toBe(true);
    expect(await latestVersion('/v1/settings/global')).toBe(1);
    // An instance-only violation is reported for the instance.
    const inst = await put(
      '/v1/settings/envs/staging/services/web',
      editor,
      {
        content: {
          image: 'r.io/web:1',
          resources: { requests: { cpu: '250m' } },
          hpa: { minReplicas: 7, maxReplicas: 8 },
        },
        reason: 'x',
      },
      1,
    );
    expect(inst.status).toBe(422);
    expect(inst.body.errors).toEqual([
      expect.objectContaining({
        rule: 'hpa.min-le-max',
        target: 'envs/staging/services/web/instances/i-1',
        scope: 'envs/staging/services/web',
      }),
    ]);
  });

  it('validates PATCH and rollback the same way', async () => {
    const v = (await latestVersion('/v1/settings/envs/staging/services/web')) as number;
    const patch = await rt.call('PATCH', '/v1/settings/envs/staging/services/web', {
      token: editor,
      rawBody: JSON.stringify({ hpa: { minReplicas: 10 } }),
      headers: {
        'content-type': 'application/merge-patch+json',
        'if-match': `"${v}"`,
        'plumbline-reason': 'more',
      },
    });
    expect(patch.status).toBe(422);
    expect(patch.body.errors[0].rule).toBe('hpa.min-le-max');
  });

  it('enforces an environment policy on write, and refuses a policy the environment already breaks', async () => {
    const strict = {
      policy: { allowedRegistries: ['r.io/'], requiredLabels: ['team', 'cost-center'] },
      reason: 'labels',
    };
    const refused = await put('/v1/policies/envs/staging', admin, strict);
    expect(refused.status).toBe(422);
    expect(
      refused.body.errors.map((e: { pointer: string; rule: string }) => `${e.pointer} ${e.rule}`),
    ).toContain('/labels/cost-center policy.required-labels');
    expect((await rt.call('GET', '/v1/policies/envs/staging', { token: viewer })).status).toBe(404);

    const ok = await put('/v1/policies/envs/staging', admin, {
      policy: { allowedRegistries: ['r.io/'], resources: { cpu: { min: '100m', max: '2' } } },
      reason: 'registry',
    });
    expect(ok.status).toBe(201);
    const bad = await put(
      '/v1/settings/envs/staging/services/web/instances/i-1',
      editor,
      { content: { image: 'docker.io/x', resources: { requests: { cpu: '4' } } }, reason: 'x' },
      1,
    );
    expect(bad.status).toBe(422);
    expect(bad.body.errors.map((e: { rule: string }) => e.rule).sort()).toEqual([
      'policy.allowed-registries',
      'policy.cpu-bounds',
    ]);
  });

  it('rejects a malformed policy with a 400 listing every problem', async () => {
    const res = await put('/v1/policies/envs/dev', admin, {
      policy: {
        resources: { cpu: { min: 'lots', max: '1' }, memory: { min: '2Gi', max: '1Gi' } },
        color: 'red',
      },
      reason: 'x',
    });
    expect(res.status).toBe(400);
    expect(res.body.errors.map((e: { pointer: string }) => e.pointer)).toEqual([
      '/body/policy/color',
      '/body/policy/resources/cpu/min',
      '/body/policy/resources/memory',
    ]);
    const res2 = await put('/v1/policies/envs/dev', admin, {
      policy: { resources: { cpu: { min: 'lots', max: '1' }, memory: { min: '2Gi', max: '1Gi' } } },
      reason: 'x',
    });
    expect(res2.status).toBe(400);
    expect(res2.body.errors.map((e: { pointer: string }) => e.pointer)).toEqual([
      '/body/policy/resources/cpu/min',
      '/body/policy/resources/memory',
    ]);
  });
});

describe('every violation in one answer', () => {
  it('lists the shape errors of a policy with its quantity and bound-order errors, and writes nothing', async () => {
    // Act
    const res = await put('/v1/policies/envs/stage2', admin, {
      policy: {
        allowedRegistries: 'r.io/',
        colour: 'red',
        resources: { cpu: { min: 4, max: 2 }, memory: { min: 'lots' } },
      },
      reason: 'x',
    });
    // Assess
    expect(res.status).toBe(400);
    expect(res.body.errors.map((e: { pointer: string; rule: string }) => `${e.pointer} ${e.rule}`)).toEqual([
      '/body/policy/allowedRegistries array',
      '/body/policy/colour strict_object',
      '/body/policy/resources/cpu policy.bounds-order',
      '/body/policy/resources/memory/min policy.bound-format',
    ]);
    expect((await rt.call('GET', '/v1/policies/envs/stage2', { token: viewer })).status).toBe(404);
  });

  it('adds the policy checks to problems elsewhere in the request, but only for a caller who may write it', async () => {
    // Prepare
    const body = { policy: { resources: { cpu: { min: '4', max: '2' } } }, reason: 'x' };
    const headers = { 'if-match': 'not-an-etag' };
    // Act
    const asAdmin = await rt.call('PUT', '/v1/policies/envs/stage2', { token: admin, body, headers });
    const asEditor = await rt.call('PUT', '/v1/policies/envs/stage2', { token: editor, body, headers });
    // Assess
    expect(asAdmin.body.errors.map((e: { pointer: string }) => e.pointer)).toEqual([
      '/headers/if-match',
      '/body/policy/resources/cpu',
    ]);
    expect(asEditor.status).toBe(400);
    expect(asEditor.body.errors.map((e: { pointer: string }) => e.pointer)).toEqual(['/headers/if-match']);
  });
});

describe('schemas', () => {
  const schema = {
    schema: {
      type: 'object',
      properties: {
        image: { type: 'string' },
        labels: { type: 'object' },
        resources: { type: 'object' },
        hpa: { type: 'object' },
        log: { enum: ['info', 'warn'] },
      },
    },
    rules: [
      {
        id: 'hpa-room',
        expr: 'self.hpa.maxReplicas - self.hpa.minReplicas >= 1',
        message: 'leave room to scale',
      },
    ],
    reason: 'schema',
  };

  it('registers a schema that the service satisfies, then refuses writes that break it or its CEL rules', async () => {
    const created = await put('/v1/schemas/services/web', editor, schema);
    expect(created.status).toBe(201);
    expect(created.body.content.rules[0].id).toBe('hpa-room');
    const v = (await latestVersion('/v1/settings/envs/staging/services/web')) as number;
    const res = await put(
      '/v1/settings/envs/staging/services/web',
      editor,
      {
        content: {
          image: 'r.io/web:1',
          resources: { requests: { cpu: '250m' } },
          hpa: { minReplicas: 4, maxReplicas: 4 },
          log: 'debug',
        },
        reason: 'x',
      },
      v,
    );
    expect(res.status).toBe(422);
    const rules = res.body.errors.map((e: { rule: string }) => e.rule);
    expect(rules).toEqual(expect.arrayContaining(['schema.enum', 'hpa-room']));
    const cel = res.body.errors.find((e: { rule: string }) => e.rule === 'hpa-room');
    expect(cel).toMatchObject({ pointer: '/hpa/maxReplicas', message: 'leave room to scale', value: 4 });
  });

  it('stores unknown-key warnings in the version record and returns them; strict mode refuses them', async () => {
    const v = (await latestVersion('/v1/settings/envs/staging/services/web')) as number;
    const content = {
      image: 'r.io/web:1',
      labels: { team: 'web' },
      resources: { requests: { cpu: '250m' } },
      hpa: { minReplicas: 2, maxReplicas: 4 },
      colour: 'blue',
    };
    const res = await put('/v1/settings/envs/staging/services/web', editor, { content, reason: 'colour' }, v);
    expect(res.status).toBe(201);
    expect(
      res.body.warnings.map((w: { pointer: string; rule: string }) => `${w.pointer} ${w.rule}`),
    ).toContain('/colour schema.unknown-key');
    const read = await rt.call('GET', `/v1/settings/envs/staging/services/web?version=${res.body.version}`, {
      token: viewer,
    });
    expect(read.body.warnings[0].pointer).toBe('/colour');

    const sv = (await latestVersion('/v1/schemas/services/web')) as number;
    const strict = await put('/v1/schemas/services/web', editor, { ...schema, strict: true }, sv);
    expect(strict.status).toBe(422);
    expect(strict.body.errors.map((e: { rule: string }) => e.rule)).toContain('schema.unknown-key');
  });

  it('writes a layer with thousands of keys its schema does not describe, storing and returning at most 100 warnings with the count of the rest (they once overflowed the version item: a 500)', async () => {
    // Prepare: a non-strict schema describing one key, and content with 8,000 others.
    const schemaPut = await put('/v1/schemas/services/wide', editor, {
      schema: { type: 'object', properties: { image: { type: 'string' } } },
      rules: [],
      strict: false,
      reason: 'wide',
    });
    expect(schemaPut.status).toBe(201);
    const content = Object.fromEntries(Array.from({ length: 8000 }, (_, i) => [`undescribed${i}`, i]));
    // Act
    const res = await put('/v1/settings/envs/staging/services/wide', editor, { content, reason: 'wide' });
    const read = await rt.call('GET', `/v1/settings/envs/staging/services/wide?version=${res.body.version}`, {
      token: viewer,
    });
    // Assess: written; of the 8,001 undescribed keys (the 8,000 and global's `log`), 99 warnings are listed
    // and one counts the other 7,902, in the answer and in the record.
    expect(res.status).toBe(201);
    for (const warnings of [res.body.warnings, read.body.warnings]) {
      expect(warnings).toHaveLength(100);
      expect(warnings).toContainEqual(
        expect.objectContaining({ pointer: '/undescribed0', rule: 'schema.unknown-key' }),
      );
      expect(warnings[99]).toMatchObject({ rule: 'violations.unlisted', value: 7902 });
    }
  });

  it('writes a layer whose undescribed key holds 250 KB, keeping the warning without its value (the value once doubled the version item past 400 KB: a 500)', async () => {
    // Prepare: the non-strict 'wide' schema of the case above; a random-looking 250 KB string (no compression helps).
    let seed = 7;
    const blob = Array.from({ length: 250_000 }, () => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return 'abcdefghijklmnopqrstuvwxyz0123456789'[seed % 36];
    }).join('');
    const v = (await latestVersion('/v1/settings/envs/staging/services/wide')) as number;
    // Act
    const res = await put(
      '/v1/settings/envs/staging/services/wide',
      editor,
      { content: { blob }, reason: 'blob' },
      v,
    );
    // Assess
    expect(res.status).toBe(201);
    const warning = res.body.warnings.find((w: { pointer: string }) => w.pointer === '/blob');
    expect(warning).toMatchObject({ rule: 'schema.unknown-key' });
    expect(warning).not.toHaveProperty('value');
  });

  it('rejects a schema that does not compile or a CEL rule that does not parse with a 400 listing each', async () => {
    const res = await put('/v1/schemas/services/api', editor, {
      schema: { type: 'nope' },
      rules: [{ id: 'r', expr: 'self.a <', message: 'm' }],
      reason: 'x',
    });
    expect(res.status).toBe(400);
    expect(res.body.errors.map((e: { pointer: string }) => e.pointer)).toEqual([
      '/body/schema/type',
      '/body/schema/type',
      '/body/schema/type',
      '/body/rules/0/expr',
    ]);
  });

  it('lists an invalid schema with a pattern RE2 cannot run and a rule that does not parse, in one 400', async () => {
    // Act
    const res = await put('/v1/schemas/services/api', editor, {
      schema: { minimum: '1', pattern: '(a)\\1' },
      rules: [{ id: 'r', expr: 'self.a <', message: 'm' }],
      reason: 'x',
    });
    // Assess
    expect(res.status).toBe(400);
    expect(res.body.errors.map((e: { pointer: string; rule: string }) => `${e.pointer} ${e.rule}`)).toEqual([
      '/body/schema/pattern schema.pattern-unsupported',
      '/body/schema/minimum schema.invalid',
      '/body/rules/0/expr rule.syntax',
    ]);
    expect((await rt.call('GET', '/v1/schemas/services/api', { token: viewer })).status).toBe(404);
  });

  it('lists a malformed member of a schema document with what compiling the rest finds', async () => {
    // Act
    const res = await put('/v1/schemas/services/api', editor, {
      schema: { minimum: '1' },
      rules: [{ id: 'r', expr: 'self.a <', message: 'm' }],
      strict: 'yes',
      reason: 'x',
    });
    // Assess
    expect(res.status).toBe(400);
    expect(res.body.errors.map((e: { pointer: string; rule: string }) => `${e.pointer} ${e.rule}`)).toEqual([
      '/body/strict boolean',
      '/body/schema/minimum schema.invalid',
      '/body/rules/0/expr rule.syntax',
    ]);
  });
});

describe('profiles', () => {
  it('pulls a profile into a layer, names it in explain, and re-validates users of a profile on change', async () => {
    const ha = {
      content: { hpa: { minReplicas: 2, maxReplicas: 4, targetAverageUtilization: 75 } },
      reason: 'ha',
    };
    expect((await put('/v1/profiles/high_availability', editor, ha)).status).toBe(201);
    const unknown = await put('/v1/settings/envs/staging/services/api', editor, {
      content: { $profile: 'nope' },
      reason: 'x',
    });
    expect(unknown.status).toBe(422);
    expect(unknown.body.errors[0]).toMatchObject({
      pointer: '/$profile',
      rule: 'profile.unknown',
      value: 'nope',
    });

    const api = {
      content: {
        $profile: 'high_availability',
        resources: { requests: { cpu: '1' } },
        hpa: { maxReplicas: 6 },
      },
      reason: 'api',
    };
    expect((await put('/v1/settings/envs/staging/services/api', editor, api)).status).toBe(201);
    const eff = await rt.call('GET', '/v1/effective/envs/staging/services/api?explain=true', {
      token: viewer,
    });
    expect(eff.body.content.hpa).toEqual({ minReplicas: 2, maxReplicas: 6, targetAverageUtilization: 75 });
    expect(eff.body.explain['/hpa/minReplicas']).toMatchObject({
      scope: 'envs/staging/services/api',
      profile: 'high_availability',
      profileVersion: 1,
    });
    expect(eff.body.explain['/hpa/maxReplicas'].profile).toBeUndefined();
    expect(eff.body.profiles).toEqual([{ name: 'high_availability', version: 1 }]);

    const broken = await put(
      '/v1/profiles/high_availability',
      editor,
      { content: { hpa: { minReplicas: 9 } }, reason: 'too many' },
      1,
    );
    expect(broken.status).toBe(422);
    expect(broken.body.errors[0]).toMatchObject({
      rule: 'hpa.min-le-max',
      target: 'envs/staging/services/api',
    });
    const nested = await put('/v1/profiles/minimal', editor, {
      content: { $profile: 'high_availability' },
      reason: 'x',
    });
    expect(nested.status).toBe(400);
  });

  it('lists profiles and needs If-Match to replace one', async () => {
    const list = await rt.call('GET', '/v1/profiles', { token: viewer });
    expect(list.body.items.map((i: { key: string }) => i.key)).toContain('high_availability');
    expect((await put('/v1/profiles/high_availability', editor, { content: {}, reason: 'x' })).status).toBe(
      428,
    );
    expect(
      (await put('/v1/profiles/high_availability', editor, { content: {}, reason: 'x' }, 7)).status,
    ).toBe(412);
    expect(
      (await put('/v1/profiles/high_availability', viewer, { content: {}, reason: 'x' }, 1)).status,
    ).toBe(403);
  });
});

describe('POST /v1/validate', () => {
  it('validates a proposed layer without writing and answers 200 with warnings or 422 with every error', async () => {
    const ok = await rt.call('POST', '/v1/validate/envs/staging/services/web', {
      token: viewer,
      body: {
        content: {
          image: 'r.io/web:3',
          resources: { requests: { cpu: '250m' } },
          hpa: { minReplicas: 1, maxReplicas: 3 },
        },
      },
    });
    expect(ok.status).toBe(200);
    expect(ok.body.valid).toBe(true);
    expect(ok.body.targets).toEqual(
      expect.arrayContaining(['envs/staging/services/web', 'envs/staging/services/web/instances/i-1']),
    );
    const bad = await rt.call('POST', '/v1/validate/envs/staging/services/web', {
      token: viewer,
      body: {
        content: {
          image: 'docker.io/web',
          hpa: { minReplicas: 5, maxReplicas: 1, targetAverageUtilization: 20 },
        },
      },
    });
    expect(bad.status).toBe(422);
    expect(bad.body.errors.length).toBeGreaterThanOrEqual(4);
  });
});

describe('tenant isolation', () => {
  it('answers 404 on every read route for another tenant', async () => {
    for (const path of [
      '/v1/profiles/high_availability',
      '/v1/schemas/services/web',
      '/v1/policies/envs/staging',
      '/v1/effective/envs/staging/services/web',
    ]) {
      expect((await rt.call('GET', path, { token: other })).status, path).toBe(404);
    }
    const list = await rt.call('GET', '/v1/profiles', { token: other });
    expect(list.body.items).toEqual([]);
    // Another tenant validating the same names sees none of acme's layers, schemas or policies.
    const res = await rt.call('POST', '/v1/validate/envs/staging/services/web', {
      token: other,
      body: { content: { image: 'docker.io/x', colour: 1 } },
    });
    expect(res.status).toBe(200);
    expect(res.body.warnings).toEqual([]);
  });
});
