import { Ajv2020 } from 'ajv/dist/2020.js';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { JsonObject } from '../../../shared/domain/json-value.ts';
import {
  MAX_SCHEMA_KEYWORD_MEMBERS,
  MAX_SCHEMA_UNFOLDED_SIZE,
} from '../../../shared/domain/validation/schema-limits.ts';
import { analyseSchemaReferences } from '../../../shared/domain/validation/schema-references.ts';
import {
  compileServiceSchema,
  MAX_CONTENT_CHECKS,
  MAX_DOCUMENT_CHECKS,
} from '../../../shared/domain/validation/service-schema.ts';

/** The schema the measurement found: valid documents of depth d cost 2^d checks through `anyOf` and `$ref: '#'`. */
const anyOfRecursion: JsonObject = {
  anyOf: [
    { properties: { a: { $ref: '#' }, b: { type: 'string' } } },
    { properties: { a: { $ref: '#' }, b: { type: 'number' } } },
  ],
};

/** `k` levels of `$defs`, each using the next twice, down to `required: ['port']`: unfolded size 2^(k+1) - 2 with the root's `$ref`. */
function doublingChain(k: number): JsonObject {
  const $defs: JsonObject = { [`d${k}`]: { required: ['port'] } };
  for (let i = 0; i < k; i++)
    $defs[`d${i}`] = { allOf: [{ $ref: `#/$defs/d${i + 1}` }, { $ref: `#/$defs/d${i + 1}` }] };
  return { $ref: '#/$defs/d0', $defs };
}

const rulesOf = (schema: JsonObject) =>
  compileServiceSchema('acme', { schema, rules: [], strict: false }).violations?.map((v) => [
    v.pointer,
    v.rule,
  ]);

describe('a tenant schema cannot make validation exponential', () => {
  afterEach(() => vi.restoreAllMocks());

  it('refuses the anyOf recursion at each $ref, without ever compiling it', () => {
    // Prepare: a spy that proves ajv compiles a schema that is accepted.
    const compile = vi.spyOn(Ajv2020.prototype, 'compile');
    // Act
    const refused = compileServiceSchema('acme', { schema: anyOfRecursion, rules: [], strict: false });
    const compiledBefore = compile.mock.calls.length;
    const accepted = compileServiceSchema('acme', { schema: { type: 'object' }, rules: [], strict: false });
    // Assess
    expect(refused.violations).toEqual([
      expect.objectContaining({
        pointer: '/schema/anyOf/0/properties/a/$ref',
        rule: 'schema.recursive-ref',
        value: '#',
        hint: expect.stringContaining('fixed depth'),
      }),
      expect.objectContaining({ pointer: '/schema/anyOf/1/properties/a/$ref', rule: 'schema.recursive-ref' }),
    ]);
    expect(compiledBefore).toBe(0);
    expect(accepted.compiled).toBeDefined();
    expect(compile).toHaveBeenCalled();
  });

  it('refuses a recursive $defs entry even when nothing uses it, and a cycle entered through a $ref into it', () => {
    // Act + Assess: a self-reference (ajv itself overflows its stack compiling one).
    expect(rulesOf({ $defs: { x: { $ref: '#/$defs/x' } } })).toEqual([
      ['/schema/$defs/x/$ref', 'schema.recursive-ref'],
    ]);
    // A cycle closed by a member, not a $ref: the $ref on the cycle is named.
    expect(
      rulesOf({
        $ref: '#/$defs/p/properties/c',
        $defs: { p: { properties: { c: { $ref: '#/$defs/p' } } } },
      }),
    ).toEqual([['/schema/$defs/p/properties/c/$ref', 'schema.recursive-ref']]);
  });

  it('accepts 10 levels of doubling $defs (4,094 checks) and refuses 11 (8,190) with schema.too-complex', () => {
    // Act
    const ten = compileServiceSchema('acme', { schema: doublingChain(10), rules: [], strict: false });
    const eleven = compileServiceSchema('acme', { schema: doublingChain(11), rules: [], strict: false });
    // Assess: each of the 2^10 uses of the last level checks (and reports) on its own.
    expect(ten.compiled?.validate({ port: 80 }).errors).toEqual([]);
    expect(ten.compiled?.validate({}).errors.map((e) => e.rule)).toEqual(
      new Array(1024).fill('schema.required'),
    );
    expect(eleven.violations).toEqual([
      {
        pointer: '/schema',
        rule: 'schema.too-complex',
        value: 8190,
        message: `the JSON Schema makes 8190 subschema checks per pass with every $ref expanded, over ${MAX_SCHEMA_UNFOLDED_SIZE}`,
        hint: expect.stringContaining('counts n times'),
      },
    ]);
  });

  it('refuses 60 levels of doubling $defs (2^61 checks: a billion laughs) in time linear in the schema', () => {
    // Act
    const { violations, unfoldedSize } = analyseSchemaReferences(doublingChain(60));
    // Assess: sizes saturate instead of losing precision.
    expect(unfoldedSize).toBe(Number.MAX_SAFE_INTEGER);
    expect(violations.map((v) => v.rule)).toEqual(['schema.too-complex']);
    expect(violations[0]?.message).toContain('at least');
  });

  it('accepts a realistic schema that reuses $defs by pointer and by $anchor, and validates through them', () => {
    // Prepare
    const schema: JsonObject = {
      $id: 'https://acme.example/schemas/api',
      type: 'object',
      properties: {
        web: { $ref: '#/$defs/container' },
        worker: { $ref: '#/$defs/container' },
        sidecar: { $ref: '#container' },
      },
      $defs: {
        quantity: { type: 'string', pattern: '^[0-9]+(m|Mi|Gi)?$' },
        resources: {
          type: 'object',
          properties: { cpu: { $ref: '#/$defs/quantity' }, memory: { $ref: '#/$defs/quantity' } },
        },
        container: {
          $anchor: 'container',
          type: 'object',
          properties: { requests: { $ref: '#/$defs/resources' }, limits: { $ref: '#/$defs/resources' } },
        },
      },
    };
    // Act
    const out = compileServiceSchema('acme', { schema, rules: [], strict: false });
    const { errors } = out.compiled?.validate({ sidecar: { limits: { cpu: 'lots' } } }) ?? { errors: [] };
    // Assess: the root, 3 uses of a container (the use, the container, 2 uses of resources, each with 2 quantities).
    expect(out.violations).toBeUndefined();
    expect(analyseSchemaReferences(schema).unfoldedSize).toBe(1 + 3 * (1 + 1 + 2 * (1 + 1 + 2 * (1 + 1))));
    expect(errors.map((e) => [e.pointer, e.rule])).toEqual([['/sidecar/limits/cpu', 'schema.pattern']]);
  });

  it('sizes a chain of 20,000 $refs and 20,000 uses of one $defs entry exactly, without recursion', () => {
    // Prepare: far larger than the 64 KiB limit allows, to show the walk is iterative and memoised.
    const $defs: JsonObject = { c20000: { type: 'string' } };
    for (let i = 0; i < 20_000; i++) $defs[`c${i}`] = { $ref: `#/$defs/c${i + 1}` };
    const chain = { $ref: '#/$defs/c0', $defs };
    const properties = Object.fromEntries(
      Array.from({ length: 20_000 }, (_, i) => [`p${i}`, { $ref: '#/$defs/c19998' }]),
    );
    const wide = { properties, $defs };
    // Act
    const long = analyseSchemaReferences(chain);
    const many = analyseSchemaReferences(wide);
    // Assess: every $ref costs its own check; c19998 unfolds to 3.
    expect(long.unfoldedSize).toBe(20_002);
    expect(many.unfoldedSize).toBe(1 + 20_000 * (1 + 3));
    expect(many.violations.map((v) => [v.rule, v.value])).toEqual([['schema.too-complex', 80_001]]);
  });

  it('refuses every $ref that is not local or resolves nowhere, dynamic references and an $id below the root', () => {
    // Act
    const rules = rulesOf({
      properties: {
        foreign: { $ref: 'https://globex.example/secret' },
        relative: { $ref: '' },
        missing: { $ref: '#/$defs/missing' },
        data: { $ref: '#/required' },
        anchor: { $ref: '#nowhere' },
        twice: { $ref: '#dup' },
        dynamic: { $dynamicRef: '#meta' },
      },
      required: ['a'],
      $defs: {
        a: { $anchor: 'dup' },
        b: { $anchor: 'dup', type: 'string' },
        c: { $id: 'https://acme.example/c' },
      },
    });
    // Assess
    expect(rules).toEqual([
      ['/schema/properties/dynamic/$dynamicRef', 'schema.ref-dynamic'],
      ['/schema/$defs/c/$id', 'schema.id-nested'],
      ['/schema/properties/foreign/$ref', 'schema.ref-unresolved'],
      ['/schema/properties/relative/$ref', 'schema.ref-unresolved'],
      ['/schema/properties/missing/$ref', 'schema.ref-unresolved'],
      ['/schema/properties/data/$ref', 'schema.ref-unresolved'],
      ['/schema/properties/anchor/$ref', 'schema.ref-unresolved'],
      ['/schema/properties/twice/$ref', 'schema.ref-unresolved'],
    ]);
  });

  it('resolves escaped JSON pointers as ajv does (%20, ~1) and keeps a property named $dynamicRef', () => {
    // Act
    const rules = rulesOf({
      properties: {
        a: { $ref: '#/$defs/a%20b' },
        b: { $ref: '#/$defs/c~1d' },
        $dynamicRef: { type: 'string' },
      },
      $defs: { 'a b': { type: 'string' }, 'c/d': { type: 'number' } },
    });
    // Assess
    expect(rules).toBeUndefined();
  });
});

/** An object of `count` members named by base 36, each `value`. */
const members = (count: number, value: JsonObject[string]): JsonObject =>
  Object.fromEntries(Array.from({ length: count }, (_, i) => [i.toString(36), value]));

describe('validation cost bounded by the schema, not only by the document', () => {
  it('lists every error only while the checks of its values stay within MAX_CONTENT_CHECKS', () => {
    // Prepare: each member is checked 1,024 times over (10 levels of doubling $defs down to `required`).
    const schema: JsonObject = {
      type: 'object',
      additionalProperties: { $ref: '#/$defs/d0' },
      $defs: doublingChain(10).$defs as JsonObject,
    };
    const [atRoot = 0, perMember = 0] = analyseSchemaReferences(schema).checksByDepth;
    const limit = Math.floor((MAX_CONTENT_CHECKS - atRoot) / perMember);
    const compiled = compileServiceSchema('acme', { schema, rules: [], strict: false }).compiled;
    // Numbers pass `required` (it checks objects only): one JSON value per member.
    const oneBad = { ...members(limit - 1, 1), bad: {} };
    // Act: `limit` members, then one more.
    const within = compiled?.validate(oneBad).errors ?? [];
    const over = compiled?.validate({ ...oneBad, extra: {} }).errors ?? [];
    // Assess: every unfolded copy of the integer check reports; past the bound, the first error alone.
    expect(limit).toBeLessThan(300);
    expect(within).toHaveLength(1024);
    expect(within.filter((e) => e.hint?.includes('more may follow'))).toEqual([]);
    expect(over).toHaveLength(1);
    expect(over[0]?.hint).toContain(
      `needs over ${MAX_CONTENT_CHECKS} schema checks, so only its first error is listed`,
    );
  });

  it('lists every error of 10,000 values under 1,000 properties (values times unfolded size listed 124)', () => {
    // Prepare: 10,000 values, 9,998 of them bad; the root's 1,000 names cost 1,001 checks once, each member 1.
    const compiled = compileServiceSchema('acme', {
      schema: { properties: members(MAX_SCHEMA_KEYWORD_MEMBERS, { type: 'string' }) },
      rules: [],
      strict: false,
    }).compiled;
    const content = { ...members(9998, 1), last: 'x' };
    // Act
    const errors = compiled?.validate(content).errors ?? [];
    // Assess: the members named by the schema (base-36 names up to 'rr') are each reported.
    expect(errors).toHaveLength(MAX_SCHEMA_KEYWORD_MEMBERS);
    expect(errors.filter((e) => e.hint?.includes('more may follow'))).toEqual([]);
  });

  it('accepts MAX_SCHEMA_KEYWORD_MEMBERS properties and validates with them in both error modes', () => {
    // Prepare
    const properties = members(MAX_SCHEMA_KEYWORD_MEMBERS, { type: 'string' });
    const compiled = compileServiceSchema('acme', {
      schema: { properties },
      rules: [],
      strict: false,
    }).compiled;
    // Act: 200 bad values (every error: 201 values x 1,001 checks), then 32,000 (first error only).
    const all = compiled?.validate(members(200, 1)).errors;
    const first = compiled?.validate(members(32_000, 1)).errors;
    // Assess
    expect(all).toHaveLength(200);
    expect(first).toHaveLength(1);
  });

  it('refuses one more member with schema.too-wide at the keyword (2,000 properties overflowed the stack)', () => {
    // Act
    const out = compileServiceSchema('acme', {
      schema: {
        properties: { a: { allOf: Array.from({ length: MAX_SCHEMA_KEYWORD_MEMBERS + 1 }, () => ({})) } },
      },
      rules: [],
      strict: false,
    });
    // Assess
    expect(out.violations).toEqual([
      expect.objectContaining({
        pointer: '/schema/properties/a/allOf',
        rule: 'schema.too-wide',
        value: MAX_SCHEMA_KEYWORD_MEMBERS + 1,
      }),
    ]);
  });
});

/** The schema of the hostile bench case: 1,000 `anyOf` branches, every one evaluated for each key. */
const wideAnyOf: JsonObject = {
  type: 'object',
  additionalProperties: {
    anyOf: Array.from({ length: 1000 }, (_, i) => ({
      type: 'object',
      properties: { [`p${i}`]: { type: 'string' } },
    })),
  },
};

/** The schema's checks by depth, and the errors of `content` under it (compiled for `tenant`). */
function countAndValidate(tenant: string, schema: JsonObject, content: JsonObject) {
  const { checksByDepth } = analyseSchemaReferences(schema);
  const compiled = compileServiceSchema(tenant, { schema, rules: [], strict: false }).compiled;
  return { checksByDepth, errors: compiled?.validate(content).errors ?? [] };
}

describe('validation cost bounded per document: checks by depth times values', () => {
  afterEach(() => vi.restoreAllMocks());

  it('counts a properties-only schema as one lookup per name on the object and one check per key', () => {
    // Prepare: 300 names; a document of 5,000 values (4,999 keys, the first a number).
    const schema: JsonObject = { type: 'object', properties: members(300, { type: 'string' }) };
    const content = { ...members(4999, 'x'), '0': 1 };
    // Act
    const { checksByDepth, errors } = countAndValidate('fanout-1', schema, content);
    // Assess: the document is checked (its one bad value found), not refused.
    expect(checksByDepth).toEqual([301, 1]);
    expect(errors.map((e) => [e.pointer, e.rule])).toEqual([['/0', 'schema.type']]);
  });

  it('counts every anyOf branch at the same depth, the largest chosen member one level down, the rest summed', () => {
    // Prepare: an item gets one of prefixItems/items (at most 3 checks), plus contains (1).
    const arrays: JsonObject = {
      prefixItems: [{ type: 'string' }, { allOf: [{}, {}] }],
      items: {},
      contains: {},
    };
    const keys: JsonObject = {
      properties: { a: { anyOf: [{}, { properties: { b: {} } }] } },
      patternProperties: { '^x': {}, '^y': { items: true } },
      additionalProperties: false,
    };
    // Act / Assess: keys: 1 + 1 name at depth 0; max(a: 1 + 2 branches + 1 name, false: 1) + 2 patterns; then b or an item.
    expect(analyseSchemaReferences(arrays).checksByDepth).toEqual([1, 4]);
    expect(analyseSchemaReferences(keys).checksByDepth).toEqual([2, 6, 2]);
  });

  it('gives a realistic schema with $refs its exact small counts, and validates documents under it as before', () => {
    // Prepare
    const schema: JsonObject = {
      type: 'object',
      properties: { web: { $ref: '#/$defs/container' }, worker: { $ref: '#/$defs/container' } },
      additionalProperties: { $ref: '#/$defs/container' },
      $defs: {
        quantity: { type: 'string', pattern: '^[0-9]+(m|Mi|Gi)?$' },
        resources: {
          properties: { cpu: { $ref: '#/$defs/quantity' }, memory: { $ref: '#/$defs/quantity' } },
        },
        container: {
          properties: { requests: { $ref: '#/$defs/resources' }, limits: { $ref: '#/$defs/resources' } },
        },
      },
    };
    const resources = { cpu: '1', memory: '2Gi' };
    const content: JsonObject = Object.fromEntries(
      Array.from({ length: 2000 }, (_, i) => [`s${i}`, { requests: resources, limits: resources }]),
    );
    content.s7 = { requests: { cpu: 'lots' } };
    // Act
    const { checksByDepth, errors } = countAndValidate('fanout-2', schema, content);
    // Assess: a use and its container (1 + 2 names) per level; the 14,001-value document is checked.
    expect(checksByDepth).toEqual([3, 4, 4, 2]);
    expect(errors.map((e) => [e.pointer, e.rule])).toEqual([['/s7/requests/cpu', 'schema.pattern']]);
  });

  it('counts long strings and keys once more per 64 characters (maxLength reads every character)', () => {
    // Prepare: every branch reads the whole string; 100 strings cost 100 x 1,001 checks, more when long.
    const anyOf = Array.from({ length: 1000 }, (_, i) => ({ type: 'string', maxLength: i + 1 }));
    const compiled = compileServiceSchema('fanout-4', {
      schema: { type: 'object', additionalProperties: { anyOf } },
      rules: [],
      strict: false,
    }).compiled;
    const strings = (length: number) =>
      Object.fromEntries(Array.from({ length: 100 }, (_, i) => [`k${i}`, 'z'.repeat(length)]));
    // Act
    const short = compiled?.validate(strings(1)).errors;
    const long = compiled?.validate(strings(1200)).errors;
    // Assess: 1 + 100 x 1,001 checks are run; with 1,200 characters, 19 times as many are refused.
    expect(short).toEqual([]);
    expect(long).toEqual([
      expect.objectContaining({
        rule: 'schema.too-costly',
        value: 1 + 100 * 1001 * (1 + Math.floor(1202 / 64)),
      }),
    ]);
  });

  it('refuses 8,000 keys under a 1,000-branch anyOf with schema.too-costly, never running an ajv validator', () => {
    // Prepare: every validator ajv compiles from here on is a spy.
    const validators: ReturnType<typeof vi.fn>[] = [];
    const compile = Ajv2020.prototype.compile;
    vi.spyOn(Ajv2020.prototype, 'compile').mockImplementation(function (this: Ajv2020, schema) {
      const fn = compile.call(this, schema);
      const spy = Object.assign(
        vi.fn((data: unknown) => {
          const ok = fn(data);
          spy.errors = fn.errors;
          return ok;
        }),
        { errors: fn.errors },
      );
      validators.push(spy);
      return spy as unknown as typeof fn;
    });
    const compiled = compileServiceSchema('fanout-3', {
      schema: wideAnyOf,
      rules: [],
      strict: false,
    }).compiled;
    const keys = (n: number) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`k${i}`, { q: 1 }]));
    // Act
    const { checksByDepth } = analyseSchemaReferences(wideAnyOf);
    const over = compiled?.validate(keys(8000));
    const runsOver = validators.map((v) => v.mock.calls.length);
    // 300 keys: 300 x 2,001 + 300 x 1,000 + 1 checks, within the bound; one key is not an object.
    const within = compiled?.validate({ ...keys(299), bad: 1 });
    // Assess
    expect(checksByDepth).toEqual([1, 2001, 1000]);
    expect(Math.max(...checksByDepth)).toBeGreaterThanOrEqual(1000);
    expect(over?.errors).toEqual([
      expect.objectContaining({
        pointer: '',
        rule: 'schema.too-costly',
        value: 1 + 8000 * 2001 + 8000 * 1000,
      }),
    ]);
    expect(over?.errors[0]?.message).toContain(
      `(16001 JSON values, up to 2001 checks for one of them), over the limit of ${MAX_DOCUMENT_CHECKS}`,
    );
    expect(runsOver.every((calls) => calls === 0)).toBe(true);
    // Within the bound ajv runs: each branch's error at /bad, then the anyOf's.
    expect(within?.errors.at(-1)).toMatchObject({ pointer: '/bad', rule: 'schema.anyOf' });
    expect(within?.errors.map((e) => e.rule)).not.toContain('schema.too-costly');
    expect(validators.some((v) => v.mock.calls.length > 0)).toBe(true);
  });

  it('counts required and dependentRequired names, enum members by 16 and min/maxProperties per key', () => {
    // Prepare
    const names = Array.from({ length: 40 }, (_, i) => `r${i}`);
    const schema: JsonObject = {
      required: names,
      dependentRequired: { a: names.slice(0, 5), b: names.slice(0, 3) },
      minProperties: 1,
      maxProperties: 9,
      additionalProperties: { enum: Array.from({ length: 50 }, (_, i) => i) },
    };
    // Act / Assess: 1 + 40 + 5 + 3 on the object; per key 1 + 3 (50 members) + 2 (min/maxProperties).
    expect(analyseSchemaReferences(schema).checksByDepth).toEqual([49, 6]);
  });

  it('refuses 5,000 empty objects under 2,000 required names with schema.too-costly, not 10 million errors', () => {
    // Prepare
    const required = Array.from({ length: 2000 }, (_, i) => `r${i}`);
    const schema: JsonObject = { additionalProperties: { required } };
    const content = Object.fromEntries(Array.from({ length: 5000 }, (_, i) => [`k${i}`, {}]));
    // Act
    const { checksByDepth, errors } = countAndValidate('fanout-6', schema, content);
    // Assess
    expect(checksByDepth).toEqual([1, 2001]);
    expect(errors).toEqual([expect.objectContaining({ rule: 'schema.too-costly', value: 1 + 5000 * 2001 })]);
  });

  it('does not look for unknown keys in a document refused as schema.too-costly', () => {
    // Prepare: every key is unknown to `properties`, and 32 patterns apply to each.
    const patternProperties = Object.fromEntries(Array.from({ length: 32 }, (_, i) => [`^x${i}[a-z]+$`, {}]));
    const schema: JsonObject = { properties: members(100, {}), patternProperties };
    const compiled = compileServiceSchema('fanout-5', { schema, rules: [], strict: true }).compiled;
    const keys = (n: number) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`k${i}`, 1]));
    // Act
    const over = compiled?.validate(keys(40_000));
    const within = compiled?.validate(keys(3));
    // Assess: the refused document has its one error; the small one lists its unknown keys.
    expect(over?.errors.map((e) => e.rule)).toEqual(['schema.too-costly']);
    expect(within?.errors.map((e) => e.rule)).toEqual(Array(3).fill('schema.unknown-key'));
  });
});
