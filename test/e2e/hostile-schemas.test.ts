import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestRuntime, type TestResponse, type TestRuntime } from '../support/test-runtime.ts';

/**
 * Issue 9, reproductions 2 (tenants share one JSON Schema registry) and 4
 * (a schema pattern or a CEL rule freezes every tenant), replayed over HTTP
 * against the local runtime. "Meanwhile" assertions start the hostile
 * request, then another tenant's read, and check that both answer; with a
 * backtracking engine the read would wait behind the hostile request.
 */

let rt: TestRuntime;
let acme: string;
let globex: string;

const put = (path: string, token: string, body: unknown) => rt.call('PUT', path, { token, body });
const rules = (res: TestResponse) => (res.body.errors as { rule: string }[]).map((e) => e.rule);
const pointersOf = (res: TestResponse, rule: string) =>
  (res.body.errors as { pointer: string; rule: string }[])
    .filter((e) => e.rule === rule)
    .map((e) => e.pointer);

/** Globex's own settings, read back: the canary that another tenant still answers. */
const globexRead = () => rt.call('GET', '/v1/settings/envs/dev/services/canary', { token: globex });

beforeAll(async () => {
  rt = await startTestRuntime();
  acme = await rt.token('acme', 'ann', ['admin']);
  globex = await rt.token('globex', 'gus', ['admin']);
  const canary = await put('/v1/settings/envs/dev/services/canary', globex, {
    content: { log: 'info' },
    reason: 'r',
  });
  expect(canary.status).toBe(201);
});

afterAll(async () => {
  await rt.close();
});

describe('reproduction 2: schemas are compiled per tenant', () => {
  const shared = (tier: string) => ({
    schema: {
      $id: 'https://schemas.example/common',
      type: 'object',
      properties: { tier: { enum: [tier] } },
    },
    rules: [],
    reason: 'same $id in two tenants',
  });

  it('lets two tenants register schemas with the same $id, each validating with its own', async () => {
    expect((await put('/v1/schemas/services/api', acme, shared('gold'))).status).toBe(201);
    expect((await put('/v1/schemas/services/api', globex, shared('silver'))).status).toBe(201);

    const acmeGold = await put('/v1/settings/envs/dev/services/api', acme, {
      content: { tier: 'gold' },
      reason: 'r',
    });
    const globexGold = await put('/v1/settings/envs/dev/services/api', globex, {
      content: { tier: 'gold' },
      reason: 'r',
    });
    const globexSilver = await put('/v1/settings/envs/dev/services/api', globex, {
      content: { tier: 'silver' },
      reason: 'r',
    });

    expect(acmeGold.status).toBe(201);
    expect(globexGold.status).toBe(422);
    expect(globexGold.body.errors[0]).toMatchObject({
      pointer: '/tier',
      rule: 'schema.enum',
      value: 'gold',
      hint: 'Use one of ["silver"]',
    });
    expect(globexSilver.status).toBe(201);
  });

  it("refuses with a 422 a $ref to another tenant's $id at schema write, instead of resolving it", async () => {
    const secret = {
      schema: {
        $id: 'https://globex.example/secret',
        type: 'object',
        properties: { code: { enum: ['s3cret'] } },
      },
      rules: [],
      reason: 'r',
    };
    expect((await put('/v1/schemas/services/vault', globex, secret)).status).toBe(201);

    const res = await put('/v1/schemas/services/thief', acme, {
      schema: { type: 'object', properties: { stolen: { $ref: 'https://globex.example/secret' } } },
      rules: [],
      reason: 'r',
    });

    expect(res.status).toBe(422);
    expect(res.body.errors).toEqual([
      expect.objectContaining({
        pointer: '/body/schema/properties/stolen/$ref',
        rule: 'schema.ref-unresolved',
        value: 'https://globex.example/secret',
      }),
    ]);
    expect(JSON.stringify(res.body)).not.toContain('s3cret');
  });
});

describe('reproduction 4: patterns and CEL rules cannot freeze the runtime', () => {
  it('answers a 422 for ^(a+)+$ against 41 characters, and another tenant reads meanwhile', async () => {
    const schema = {
      schema: { type: 'object', properties: { name: { type: 'string', pattern: '^(a+)+$' } } },
      rules: [
        { id: 'name-shape', expr: '!has(self.name) || self.name.matches("^(a+)+$")', message: 'only a' },
      ],
      reason: 'r',
    };
    expect((await put('/v1/schemas/services/redos', acme, schema)).status).toBe(201);

    const hostile = put('/v1/settings/envs/dev/services/redos', acme, {
      content: { name: `${'a'.repeat(40)}!` },
      reason: 'r',
    });
    const [res, read] = await Promise.all([hostile, globexRead()]);

    expect(res.status).toBe(422);
    expect(rules(res)).toEqual(['schema.pattern', 'name-shape']);
    expect(read.status).toBe(200);
    expect(read.body.content).toEqual({ log: 'info' });
  });

  it('refuses nested comprehensions over an unbounded list at schema write with the estimated cost and a hint', async () => {
    const res = await put('/v1/schemas/services/nested', acme, {
      schema: { type: 'object', properties: { items: { type: 'array', items: { type: 'string' } } } },
      rules: [{ id: 'pairs', expr: 'self.items.all(x, self.items.all(y, x == y || x != y))', message: 'm' }],
      reason: 'r',
    });

    expect(res.status).toBe(422);
    expect(res.body.errors[0]).toMatchObject({ pointer: '/body/rules/0/expr', rule: 'rule.cost-exceeded' });
    expect(res.body.errors[0].value).toBeGreaterThan(1_000_000);
    expect(res.body.errors[0].hint).toContain('maxItems');
  });

  it('stops a bounded rule at its budget on a 35 KB list over its maxItems, and another tenant reads meanwhile', async () => {
    const schema = {
      schema: {
        type: 'object',
        properties: { items: { type: 'array', maxItems: 100, items: { type: 'string', maxLength: 16 } } },
      },
      rules: [{ id: 'pairs', expr: 'self.items.all(x, self.items.all(y, x == y || x != y))', message: 'm' }],
      reason: 'r',
    };
    expect((await put('/v1/schemas/services/bounded', acme, schema)).status).toBe(201);
    const items = Array.from({ length: 3500 }, (_, i) => `item-${String(i).padStart(5, '0')}`);
    expect(JSON.stringify(items).length).toBeGreaterThan(35_000);

    const hostile = put('/v1/settings/envs/dev/services/bounded', acme, { content: { items }, reason: 'r' });
    const [res, read] = await Promise.all([hostile, globexRead()]);

    expect(res.status).toBe(422);
    expect(rules(res)).toEqual(['schema.maxItems', 'cel-cost-exceeded']);
    expect(res.body.errors[1].message).toContain("rule 'pairs'");
    expect(read.status).toBe(200);
  });

  it('refuses regular expressions RE2 cannot run with a 422 naming each pointer', async () => {
    const res = await put('/v1/schemas/services/lookaround', acme, {
      schema: {
        type: 'object',
        properties: { a: { type: 'string', pattern: '^(x)\\1$' } },
        patternProperties: { '^(?!internal)': { type: 'string' } },
      },
      rules: [{ id: 'r', expr: 'self.a.matches("(?<=a)b")', message: 'm' }],
      reason: 'r',
    });

    expect(res.status).toBe(422);
    expect(pointersOf(res, 'schema.pattern-unsupported')).toEqual([
      '/body/schema/patternProperties/^(?!internal)',
      '/body/schema/properties/a/pattern',
    ]);
    expect(pointersOf(res, 'rule.pattern-unsupported')).toEqual(['/body/rules/0/expr']);
    expect(res.body.errors[0].hint).toContain('RE2');
  });
});
