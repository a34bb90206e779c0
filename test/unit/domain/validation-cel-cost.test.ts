import { Environment } from '@marcbachmann/cel-js';
import { describe, expect, it } from 'vitest';
import { UnprocessableError, ValidationError } from '../../../shared/domain/errors.ts';
import type { JsonObject } from '../../../shared/domain/json-value.ts';
import {
  CelCostExceeded,
  CostMeter,
  estimateRuleCost,
  RULE_COST_LIMIT,
} from '../../../shared/domain/validation/cel-cost.ts';
import {
  MAX_RULE_EXPRESSION_LENGTH,
  MAX_RULES,
  MAX_SCHEMA_PATTERNS,
} from '../../../shared/domain/validation/schema-limits.ts';
import {
  compileServiceSchema,
  type ServiceSchemaDocument,
  schemaDocumentError,
} from '../../../shared/domain/validation/service-schema.ts';

const env = new Environment({ unlistedVariablesAreDyn: true });
const estimate = (expr: string, schema: JsonObject) => estimateRuleCost(env.parse(expr).ast, schema);
const listOf = (maxItems?: number): JsonObject => ({
  type: 'object',
  properties: { l: { type: 'array', items: { type: 'integer' }, ...(maxItems ? { maxItems } : {}) } },
});
const doc = (expr: string, schema: JsonObject = { type: 'object' }): ServiceSchemaDocument => ({
  schema,
  rules: [{ id: 'r', expr, message: 'm' }],
  strict: false,
});
const compile = (d: ServiceSchemaDocument, tenant = 'acme') => {
  const out = compileServiceSchema(tenant, d);
  if (!out.compiled) throw new Error(JSON.stringify(out.violations));
  return out.compiled;
};

describe('CEL cost estimate', () => {
  it('multiplies nested comprehensions by the maxItems of the lists they iterate', () => {
    const nested = 'self.l.all(x, self.l.all(y, x == y))';

    const ten = estimate(nested, listOf(10));
    const hundred = estimate(nested, listOf(100));

    expect(hundred).toBeGreaterThan(90 * ten);
    expect(hundred).toBeLessThan(RULE_COST_LIMIT);
  });

  it('assumes a default bound for a list without maxItems, so nested iteration over it exceeds the limit', () => {
    expect(estimate('self.l.all(x, x >= 0)', listOf())).toBeLessThan(RULE_COST_LIMIT);
    expect(estimate('self.l.all(x, self.l.all(y, x == y))', listOf())).toBeGreaterThan(RULE_COST_LIMIT);
  });

  it('counts comprehensions over list literals the rule writes itself', () => {
    const hundred = `[${Array.from({ length: 100 }, (_, i) => i).join(',')}]`;
    const expr = `${hundred}.all(a, ${hundred}.all(b, ${hundred}.all(c, ${hundred}.all(d, a + b + c + d >= 0))))`;
    expect(expr.length).toBeLessThan(MAX_RULE_EXPRESSION_LENGTH);

    const out = compileServiceSchema('acme', doc(expr));

    expect(out.violations?.map((v) => [v.pointer, v.rule])).toEqual([
      ['/rules/0/expr', 'rule.cost-exceeded'],
    ]);
    expect(out.violations?.[0]?.value).toBeGreaterThan(100 ** 4);
  });
});

describe('CEL runtime budget', () => {
  it('throws once the budget of a rule is spent and starts each rule afresh, within the shared budget', () => {
    const meter = new CostMeter(10, 15);
    meter.charge(10);
    expect(() => meter.charge(1)).toThrow(CelCostExceeded);
    expect(meter.exceeded).toBe(true);

    meter.startRule();
    meter.charge(4);
    expect(meter.exceeded).toBe(false);
    expect(() => meter.charge(2)).toThrow(CelCostExceeded);
  });

  it('stops a rule that iterates lists it builds from a document larger than the schema allows', () => {
    const schema = compile(doc('self.l.map(x, 1).all(a, self.l.map(y, 2).all(b, a != b))', listOf(10)));
    const l = Array.from({ length: 3000 }, (_, i) => i);

    const { errors } = schema.validate({ l });

    expect(errors.map((e) => e.rule)).toEqual(['schema.maxItems', 'cel-cost-exceeded']);
    expect(errors[1]?.message).toContain("rule 'r'");
  });

  it('gives the rule its own answer on a document within the bounds', () => {
    const schema = compile(doc('self.l.map(x, 1).all(a, self.l.map(y, 2).all(b, a != b))', listOf(10)));
    expect(schema.validate({ l: [1, 2, 3] }).errors).toEqual([]);
  });

  it('charges for the characters of strings a rule reads again and again', () => {
    const schema = compile(
      doc('self.l.all(x, self.s.matches("^a+$"))', {
        type: 'object',
        properties: {
          l: { type: 'array', maxItems: 10, items: { type: 'integer' } },
          s: { type: 'string', maxLength: 100 },
        },
      }),
    );

    const { errors } = schema.validate({ l: Array.from({ length: 5000 }, () => 1), s: 'a'.repeat(100_000) });

    expect(errors.map((e) => e.rule)).toContain('cel-cost-exceeded');
  });
});

describe('regular expressions on RE2', () => {
  it('answers CEL matches with a catastrophic pattern on a long input', () => {
    const schema = compile(doc('self.s.matches("^(a+)+$")'));
    const { errors } = schema.validate({ s: `${'a'.repeat(64)}!` });
    expect(errors).toEqual([expect.objectContaining({ pointer: '/s', rule: 'r', message: 'm' })]);
  });

  it('runs patternProperties keys on RE2 for unknown keys as ajv does', () => {
    const schema = compile({
      schema: { type: 'object', patternProperties: { '^(a+)+$': { type: 'integer' } } },
      rules: [],
      strict: true,
    });
    const { errors } = schema.validate({ aaaa: 1, [`${'a'.repeat(40)}!`]: 2 });
    expect(errors.map((e) => e.rule)).toEqual(['schema.unknown-key']);
  });
});

describe('schema documents per tenant', () => {
  it('compiles the same $id for two tenants independently, and caches per tenant', () => {
    const tiers = (tier: string): ServiceSchemaDocument => ({
      schema: { $id: 'https://schemas.example/common', properties: { tier: { enum: [tier] } } },
      rules: [],
      strict: false,
    });

    const a = compile(tiers('gold'), 'acme');
    const b = compile(tiers('silver'), 'globex');

    expect(a.validate({ tier: 'gold' }).errors).toEqual([]);
    expect(b.validate({ tier: 'gold' }).errors.map((e) => e.hint)).toEqual(['Use one of ["silver"]']);
    expect(compile(tiers('gold'), 'acme')).toBe(a);
    expect(compile(tiers('gold'), 'globex')).not.toBe(a);
  });

  it('resolves $ref only inside the document', () => {
    compile(
      { schema: { $id: 'https://globex.example/secret', enum: ['s3cret'] }, rules: [], strict: false },
      'globex',
    );

    const local = compileServiceSchema('acme', {
      schema: { $defs: { port: { type: 'integer' } }, properties: { port: { $ref: '#/$defs/port' } } },
      rules: [],
      strict: false,
    });
    const foreign = compileServiceSchema('acme', {
      schema: { properties: { x: { $ref: 'https://globex.example/secret' } } },
      rules: [],
      strict: false,
    });

    expect(local.violations).toBeUndefined();
    expect(foreign.violations?.map((v) => [v.pointer, v.rule])).toEqual([
      ['/schema/properties/x/$ref', 'schema.ref-unresolved'],
    ]);
  });
});

describe('schema document limits', () => {
  it('refuses too many rules and too long expressions with a 422', () => {
    const many = Array.from({ length: MAX_RULES + 1 }, (_, i) => ({
      id: `r${i}`,
      expr: 'true',
      message: 'm',
    }));
    const long = {
      id: 'long',
      expr: `true${' && true'.repeat(MAX_RULE_EXPRESSION_LENGTH / 8)}`,
      message: 'm',
    };

    const out = compileServiceSchema('acme', { schema: {}, rules: [...many, long], strict: false });

    expect(out.violations?.map((v) => [v.pointer, v.rule])).toEqual([
      ['/rules', 'rules.too-many'],
      [`/rules/${MAX_RULES + 1}/expr`, 'rule.too-long'],
    ]);
    expect(schemaDocumentError(out.violations ?? [], '/body')).toBeInstanceOf(UnprocessableError);
  });

  it('refuses a JSON Schema nested too deep or too large, before anything recurses into it', () => {
    let deep: JsonObject = { type: 'string' };
    for (let i = 0; i < 100_000; i++) deep = { items: deep };
    const large = { enum: Array.from({ length: 20_000 }, (_, i) => `value-${i}`) };

    expect(
      compileServiceSchema('acme', { schema: deep, rules: [], strict: false }).violations?.[0]?.rule,
    ).toBe('schema.too-deep');
    expect(
      compileServiceSchema('acme', { schema: large, rules: [], strict: false }).violations?.[0]?.rule,
    ).toBe('schema.too-large');
  });

  it('refuses more patterns than the limit, pointing at the first one over it', () => {
    const properties = Object.fromEntries(
      Array.from({ length: MAX_SCHEMA_PATTERNS + 2 }, (_, i) => [
        `p${i}`,
        { type: 'string', pattern: `^${i}$` },
      ]),
    );

    const out = compileServiceSchema('acme', { schema: { properties }, rules: [], strict: false });

    expect(out.violations?.map((v) => [v.pointer, v.rule])).toEqual([
      [`/schema/properties/p${MAX_SCHEMA_PATTERNS}/pattern`, 'schema.too-many-patterns'],
    ]);
  });

  it('keeps a malformed document a 400', () => {
    const out = compileServiceSchema('acme', doc('self.a <'));
    expect(schemaDocumentError(out.violations ?? [], '/body')).toBeInstanceOf(ValidationError);
  });
});
