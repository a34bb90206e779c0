import { describe, expect, it } from 'vitest';
import {
  compileServiceSchema,
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
      ['/schema', 'schema.invalid'],
      ['/rules/0/expr', 'rule.syntax'],
      ['/rules/1/id', 'rule.duplicate-id'],
    ]);
  });
});
