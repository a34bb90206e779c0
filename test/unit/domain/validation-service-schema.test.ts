import { Ajv2020 } from 'ajv/dist/2020.js';
import fc from 'fast-check';
import { describe, expect, it, vi } from 'vitest';
import type { JsonObject } from '../../../shared/domain/json-value.ts';
import {
  compileServiceSchema,
  MAX_CACHED_SCHEMA_CHARACTERS,
  MAX_CONTENT_CHECKED_VALUES,
  type ServiceSchemaDocument,
} from '../../../shared/domain/validation/service-schema.ts';

const doc: ServiceSchemaDocument = {
  schema: {
    type: 'object',
    required: ['port'],
    properties: {
      port: { type: 'integer', minimum: 1, maximum: 65535 },
      hpa: {
        type: 'object',
        properties: { minReplicas: { type: 'integer' }, maxReplicas: { type: 'integer' } },
      },
      name: { type: 'string', pattern: '^[a-z]+$' },
      extra: { type: 'object' },
    },
  },
  rules: [
    {
      id: 'replicas-order',
      expr: '!has(self.hpa) || self.hpa.minReplicas <= self.hpa.maxReplicas',
      message: 'minReplicas must not exceed maxReplicas',
    },
    { id: 'port-not-privileged', expr: 'self.port >= 1024', message: 'use an unprivileged port' },
  ],
  strict: false,
};

const compile = (d: ServiceSchemaDocument) => {
  const out = compileServiceSchema('acme', d);
  if (!out.compiled) throw new Error(JSON.stringify(out.violations));
  return out.compiled;
};

describe('service schemas (ajv 2020-12 + CEL)', () => {
  it('accepts a valid document', () => {
    expect(compile(doc).validate({ port: 8080, hpa: { minReplicas: 1, maxReplicas: 2 } })).toEqual({
      errors: [],
      warnings: [],
    });
  });

  it('lists every JSON Schema error and every failing CEL rule with pointer, rule, value and message', () => {
    const { errors } = compile(doc).validate({
      port: 80,
      name: 'Bad',
      hpa: { minReplicas: 5, maxReplicas: 2 },
    });
    expect(errors.map((e) => [e.pointer, e.rule, e.value])).toEqual([
      ['/name', 'schema.pattern', 'Bad'],
      ['/hpa/minReplicas', 'replicas-order', 5],
      ['/port', 'port-not-privileged', 80],
    ]);
    expect(errors[1]?.message).toBe('minReplicas must not exceed maxReplicas');
  });

  it('points a missing required key at where it should be', () => {
    const { errors } = compile(doc).validate({});
    expect(errors[0]).toMatchObject({ pointer: '/port', rule: 'schema.required', value: null });
    // The CEL rule over the missing key cannot be evaluated: reported, with a hint, not thrown.
    expect(errors[1]).toMatchObject({ pointer: '/port', rule: 'port-not-privileged' });
    expect(errors[1]?.hint).toContain('has(');
  });

  it('reports unknown keys as warnings, and as errors in strict mode', () => {
    const content = {
      port: 8080,
      hpa: { minReplicas: 1, maxReplicas: 1, typo: 1 },
      extra: { free: 1 },
      colour: 'red',
    };
    const lax = compile(doc).validate(content);
    expect(lax.errors).toEqual([]);
    expect(lax.warnings.map((w) => w.pointer)).toEqual(['/hpa/typo', '/colour']);
    const strict = compile({ ...doc, strict: true }).validate(content);
    expect(strict.errors.map((e) => [e.pointer, e.rule])).toEqual([
      ['/hpa/typo', 'schema.unknown-key'],
      ['/colour', 'schema.unknown-key'],
    ]);
    expect(strict.warnings).toEqual([]);
  });

  it('rejects a schema that does not compile and rules that do not parse, listing each', () => {
    const out = compileServiceSchema('acme', {
      schema: { type: 'nonsense' },
      rules: [
        { id: 'a', expr: 'self.x <=', message: 'm' },
        { id: 'a', expr: 'true', message: 'm' },
      ],
      strict: false,
    });
    expect(out.violations?.map((v) => [v.pointer, v.rule])).toEqual([
      ['/schema/type', 'schema.invalid'],
      ['/schema/type', 'schema.invalid'],
      ['/schema/type', 'schema.invalid'],
      ['/rules/0/expr', 'rule.syntax'],
      ['/rules/1/id', 'rule.duplicate-id'],
    ]);
  });

  it('lists an invalid schema, a pattern RE2 cannot run and a rule that does not parse together, one meta-schema error each', () => {
    // Act
    const out = compileServiceSchema('acme', {
      schema: { minimum: '1', pattern: '(a)\\1', properties: { port: { maximum: 'high' } } },
      rules: [{ id: 'r', expr: 'self.a <', message: 'm' }],
      strict: false,
    });
    // Assess: the pattern is refused before anything compiles it, so it is reported once, as RE2's.
    expect(out.violations?.map((v) => [v.pointer, v.rule, v.message])).toEqual([
      ['/schema/pattern', 'schema.pattern-unsupported', expect.stringContaining('linear time')],
      ['/schema/properties/port/maximum', 'schema.invalid', 'not a valid JSON Schema: must be number'],
      ['/schema/minimum', 'schema.invalid', 'not a valid JSON Schema: must be number'],
      ['/rules/0/expr', 'rule.syntax', expect.stringContaining('does not parse')],
    ]);
    expect(out.violations?.[2]).toMatchObject({ value: '1' });
  });

  it('checks what lies within the limits when another part breaks one', () => {
    // Prepare
    const tooMany = Array.from({ length: 65 }, (_, i) => ({ id: `r${i}`, expr: 'true', message: 'm' }));
    const tooLong = { id: 'long', expr: `${'1 + '.repeat(600)}1 == 1`, message: 'm' };
    // Act
    const manyRules = compileServiceSchema('acme', {
      schema: { type: 'nope' },
      rules: tooMany,
      strict: false,
    });
    const longRule = compileServiceSchema('acme', {
      schema: { type: 'object' },
      rules: [tooLong, { id: 'bad', expr: 'self.a <', message: 'm' }],
      strict: false,
    });
    // Assess
    expect(manyRules.violations?.map((v) => [v.pointer, v.rule])).toEqual([
      ['/rules', 'rules.too-many'],
      ['/schema/type', 'schema.invalid'],
      ['/schema/type', 'schema.invalid'],
      ['/schema/type', 'schema.invalid'],
    ]);
    expect(longRule.violations?.map((v) => [v.pointer, v.rule])).toEqual([
      ['/rules/0/expr', 'rule.too-long'],
      ['/rules/1/expr', 'rule.syntax'],
    ]);
  });

  it('neither walks nor compiles a schema over a size limit, nor the rules that would read it', () => {
    // Prepare
    let deep: Record<string, unknown> = { type: 'nope' };
    for (let i = 0; i < 40; i++) deep = { properties: { a: deep } };
    // Act
    const out = compileServiceSchema('acme', {
      schema: deep as ServiceSchemaDocument['schema'],
      rules: [{ id: 'bad', expr: 'self.a <', message: 'm' }],
      strict: false,
    });
    // Assess
    expect(out.violations?.map((v) => [v.pointer, v.rule])).toEqual([['/schema', 'schema.too-deep']]);
  });
});

/**
 * A schema whose every member must be a string or an object of strings,
 * through a `$ref` to `$defs` (two levels: a recursive one is refused).
 */
const stringsOrObjects: ServiceSchemaDocument = {
  schema: {
    type: 'object',
    additionalProperties: { $ref: '#/$defs/node' },
    $defs: {
      node: { type: ['string', 'object'], additionalProperties: { $ref: '#/$defs/leaf' } },
      leaf: { type: 'string' },
    },
  },
  rules: [],
  strict: false,
};

/** An object of `count` numbers (each a violation of {@link stringsOrObjects}): `count + 1` JSON values. */
const numbers = (count: number): JsonObject =>
  Object.fromEntries(Array.from({ length: count }, (_, i) => [i.toString(36), 1]));

describe('service schemas bound the cost of listing every error', () => {
  it('lists every error of a document of at most MAX_CONTENT_CHECKED_VALUES values, with the usual hints', () => {
    // Prepare: the object itself and its members make exactly the limit.
    const content = numbers(MAX_CONTENT_CHECKED_VALUES - 1);
    // Act
    const { errors } = compile(stringsOrObjects).validate(content);
    // Assess
    expect(errors).toHaveLength(MAX_CONTENT_CHECKED_VALUES - 1);
    expect(errors[0]).toMatchObject({ pointer: '/0', rule: 'schema.type', value: 1 });
    expect(errors.filter((e) => e.hint?.includes('more may follow'))).toEqual([]);
  });

  it('lists only the first error of a larger document (32,000 bad values under a $ref), saying more may follow', () => {
    // Prepare: about 250 KB, within the 256 KiB content cap.
    const content = numbers(32_000);
    // Act
    const { errors } = compile(stringsOrObjects).validate(content);
    // Assess
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ pointer: '/0', rule: 'schema.type', value: 1 });
    expect(errors[0]?.hint).toBe(
      `Use a value of type string,object; this settings document holds over ${MAX_CONTENT_CHECKED_VALUES} values, so only its first error is listed and more may follow`,
    );
  });

  it("checks a large document with the tenant's own schema when two tenants' schemas share an $id", () => {
    // Prepare
    const tier = (name: string): ServiceSchemaDocument => ({
      schema: { $id: 'https://schemas.example/tier', type: 'object', additionalProperties: { enum: [name] } },
      rules: [],
      strict: false,
    });
    const content = Object.fromEntries(
      Array.from({ length: MAX_CONTENT_CHECKED_VALUES }, (_, i) => [i.toString(36), 'gold']),
    );
    // Act
    const acme = compileServiceSchema('acme', tier('gold')).compiled?.validate(content);
    const globex = compileServiceSchema('globex', tier('silver')).compiled?.validate(content);
    // Assess
    expect(acme?.errors).toEqual([]);
    expect(globex?.errors.map((e) => [e.pointer, e.rule])).toEqual([['/0', 'schema.enum']]);
  });

  it('lists the same errors as an every-error ajv run for any small document', () => {
    // Prepare: the reference validator, every error, no bound.
    const reference = new Ajv2020({ allErrors: true, strict: false }).compile(stringsOrObjects.schema);
    const compiled = compile(stringsOrObjects);
    const small = fc.dictionary(fc.string({ maxLength: 3 }), fc.jsonValue({ maxDepth: 3 }), {
      maxKeys: 30,
    }) as fc.Arbitrary<JsonObject>;
    fc.assert(
      fc.property(small, (content) => {
        // Act
        const { errors } = compiled.validate(content);
        reference(content);
        // Assess
        expect(errors.map((e) => [e.pointer, e.rule])).toEqual(
          (reference.errors ?? []).map((e) => [e.instancePath, `schema.${e.keyword}`]),
        );
      }),
    );
  });
});

describe('the compiled schema cache', () => {
  /** A schema document of about `characters` characters of JSON, distinct per `seed`. */
  const wide = (seed: number, characters: number) => ({
    schema: {
      properties: Object.fromEntries(
        Array.from({ length: Math.ceil(characters / 256) }, (_, i) => [
          `p${seed}x${i}`,
          { type: 'string', description: 'd'.repeat(220) },
        ]),
      ),
    },
    rules: [],
    strict: false,
  });

  it('evicts the least recently used schema once the cached documents pass their character budget', () => {
    // Prepare: 32 KiB documents, fewer than the 200-entry cap but over the character budget.
    const perDocument = 32 * 1024;
    const fill = Math.ceil(MAX_CACHED_SCHEMA_CHARACTERS / JSON.stringify(wide(2, perDocument)).length);
    const first = compileServiceSchema('cache-a', wide(0, perDocument)).compiled;
    const kept = compileServiceSchema('cache-b', wide(1, 100)).compiled;
    // Act: a recent use keeps the small one; the large first one is the least recently used.
    for (let i = 2; i < fill + 2; i++) {
      compileServiceSchema('cache-b', wide(1, 100));
      compileServiceSchema('cache-c', wide(i, perDocument));
    }
    const firstAgain = compileServiceSchema('cache-a', wide(0, perDocument)).compiled;
    const keptAgain = compileServiceSchema('cache-b', wide(1, 100)).compiled;
    // Assess
    expect(fill).toBeLessThan(200);
    expect(firstAgain).toBeDefined();
    expect(firstAgain).not.toBe(first);
    expect(keptAgain).toBe(kept);
  });

  it('keeps the tenant in the key: the same document compiles once per tenant', () => {
    // Act
    const a = compileServiceSchema('cache-d', wide(9, 100)).compiled;
    const b = compileServiceSchema('cache-e', wide(9, 100)).compiled;
    // Assess
    expect(a).toBe(compileServiceSchema('cache-d', wide(9, 100)).compiled);
    expect(b).not.toBe(a);
  });
});

describe('enum, const and uniqueItems compare parsed documents without calling their keys', () => {
  it.each([
    ['enum', { enum: [{}] }, { toString: {} }, 'schema.enum'],
    ['const', { const: {} }, { valueOf: 1 }, 'schema.const'],
    [
      'uniqueItems',
      { properties: { a: { uniqueItems: true } } },
      { a: [{ toString: 1 }, { toString: 1 }] },
      'schema.uniqueItems',
    ],
  ])(
    'reports a document object holding valueOf or toString under %s as a violation instead of throwing',
    (_, schema, content, rule) => {
      // Prepare: fast-deep-equal (ajv's) called the key's value and threw a TypeError (a 500).
      const compiled = compileServiceSchema('acme', { schema, rules: [], strict: false }).compiled;
      // Act
      const outcome = compiled?.validate(JSON.parse(JSON.stringify(content)) as JsonObject);
      // Assess
      expect(outcome?.errors.map((e) => e.rule)).toEqual([rule]);
    },
  );

  it('finds duplicate items in one pass, reading each item once instead of comparing every pair', () => {
    // Prepare: 300 distinct objects, then one equal to item 7 with its keys in another order.
    const compiled = compileServiceSchema('acme', {
      schema: { uniqueItems: true },
      rules: [],
      strict: false,
    }).compiled;
    const items = Array.from({ length: 300 }, (_, i) => ({ a: i, b: [i, { c: null }] }));
    const keys = vi.spyOn(Object, 'keys');
    // Act
    const unique = compiled?.validate(items as unknown as JsonObject);
    const readsUnique = keys.mock.calls.length;
    const duplicated = compiled?.validate([...items, { b: [7, { c: null }], a: 7 }] as unknown as JsonObject);
    keys.mockRestore();
    // Assess: pairwise comparison read the keys of both objects of each of 44,850 pairs.
    expect(unique?.errors).toEqual([]);
    expect(readsUnique).toBeLessThanOrEqual(2 * items.length);
    expect(duplicated?.errors).toEqual([
      expect.objectContaining({
        rule: 'schema.uniqueItems',
        message: 'must NOT have duplicate items (items ## 7 and 300 are identical)',
      }),
    ]);
  });

  it('names the same duplicate pair as ajv for arbitrary arrays of small values', () => {
    // Prepare: ajv's own uniqueItems (fast-deep-equal) as the reference, on values without methods.
    const reference = new Ajv2020({ allErrors: true }).compile({ uniqueItems: true });
    const compiled = compileServiceSchema('acme', {
      schema: { uniqueItems: true },
      rules: [],
      strict: false,
    }).compiled;
    const small = fc.oneof(
      fc.integer({ min: 0, max: 3 }),
      fc.constantFrom('a', 'b', null, true),
      fc.constantFrom({ x: 1, y: 2 }, { y: 2, x: 1 }, { x: 1 }, [1, 2], [2, 1]),
    );
    fc.assert(
      fc.property(fc.array(small, { maxLength: 12 }), (items) => {
        // Act
        const ok = reference(items);
        const errors = compiled?.validate(items as unknown as JsonObject).errors ?? [];
        // Assess
        expect(errors.map((e) => e.message)).toEqual(
          ok ? [] : (reference.errors ?? []).map((e) => e.message),
        );
      }),
    );
  });

  it('accepts an equal object holding toString under enum', () => {
    // Act
    const outcome = compileServiceSchema('acme', {
      schema: { enum: [{ toString: { a: [1] } }] },
      rules: [],
      strict: false,
    }).compiled?.validate({ toString: { a: [1] } });
    // Assess
    expect(outcome?.errors).toEqual([]);
  });
});
