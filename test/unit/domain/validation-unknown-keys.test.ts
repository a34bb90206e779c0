import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isJsonObject, type JsonObject, type JsonValue } from '../../../shared/domain/json-value.ts';
import { valueAt } from '../../../shared/domain/layers/json-pointer.ts';
import { findUnknownKeys } from '../../../shared/domain/validation/unknown-keys.ts';

/**
 * The unknown-key check as first written, one pass over every applying
 * schema per key (no memo): the reference the memoised one must agree with.
 */
function referenceUnknownKeys(schema: JsonObject, document: JsonObject): string[] {
  const out: string[] = [];
  const expand = (schemas: JsonValue[]): JsonObject[] => {
    const all: JsonObject[] = [];
    const seen = new Set<JsonObject>();
    const visit = (node: JsonValue | undefined, depth: number): void => {
      if (!isJsonObject(node) || seen.has(node) || depth > 32) return;
      seen.add(node);
      all.push(node);
      for (const key of ['allOf', 'anyOf', 'oneOf'])
        for (const sub of Array.isArray(node[key]) ? node[key] : []) visit(sub, depth + 1);
      visit(node.then, depth + 1);
      visit(node.else, depth + 1);
      if (typeof node.$ref === 'string') visit(valueAt(schema, node.$ref.slice(1)) ?? {}, depth + 1);
    };
    for (const s of schemas) visit(s, 0);
    return all;
  };
  const walk = (schemas: JsonValue[], value: JsonValue, path: string): void => {
    const all = expand(schemas);
    if (isJsonObject(value)) {
      const described = all.some((s) => isJsonObject(s.properties) || isJsonObject(s.patternProperties));
      const open = all.some((s) => s.additionalProperties !== undefined && s.additionalProperties !== false);
      for (const [key, child] of Object.entries(value)) {
        const subs: JsonValue[] = [];
        for (const s of all) {
          if (isJsonObject(s.properties) && Object.hasOwn(s.properties, key))
            subs.push(s.properties[key] as JsonValue);
          if (isJsonObject(s.patternProperties))
            for (const [p, sub] of Object.entries(s.patternProperties))
              if (new RegExp(p).test(key)) subs.push(sub);
        }
        if (subs.length === 0) {
          for (const s of all)
            if (s.additionalProperties !== undefined && s.additionalProperties !== false)
              subs.push(s.additionalProperties);
          if (described && !open && !all.some((s) => s.additionalProperties === false)) {
            out.push(`${path}/${key}`);
            continue;
          }
        }
        if (subs.length > 0) walk(subs, child, `${path}/${key}`);
      }
    } else if (Array.isArray(value)) {
      value.forEach((child, i) => {
        const subs: JsonValue[] = [];
        for (const s of all) {
          const prefix = Array.isArray(s.prefixItems) ? s.prefixItems : [];
          if (i < prefix.length) subs.push(prefix[i] as JsonValue);
          else if (s.items !== undefined) subs.push(s.items);
        }
        if (subs.length > 0) walk(subs, child, `${path}/${i}`);
      });
    }
  };
  walk([schema], document, '');
  return out;
}

/** Schemas that mix every construct the check follows; keys are drawn from a, b, c, x1, x2. */
const schemas: JsonObject[] = [
  { properties: { a: { properties: { b: {} } }, c: { items: { properties: { a: {} } } } } },
  {
    anyOf: [{ properties: { a: {} } }, { properties: { b: { $ref: '#/$defs/n' } } }],
    $defs: { n: { properties: { c: {} }, patternProperties: { '^x': { properties: { a: {} } } } } },
  },
  {
    allOf: [{ properties: { a: {} } }, { additionalProperties: { properties: { b: {} } } }],
    if: {},
    // A JSON Schema keyword, not a promise's.
    ...JSON.parse('{"then": {"properties": {"c": {}}}}'),
    else: { properties: { x1: {} } },
  },
  { properties: { a: {} }, additionalProperties: false, prefixItems: [{ properties: { b: {} } }] },
  {
    allOf: [
      { properties: { a: { properties: { b: {} } } } },
      { properties: { a: { properties: { c: {} } } } },
    ],
    properties: { x1: { properties: { a: {} } } },
    patternProperties: { '^x': { properties: { b: {} } } },
  },
  {
    properties: { a: { prefixItems: [{ properties: { a: {} } }], items: { properties: { b: {} } } } },
    oneOf: [{ properties: { c: { $ref: '#' } } }, { patternProperties: { '2$': {} } }],
  },
];

const key = fc.constantFrom('a', 'b', 'c', 'x1', 'x2');
const { value } = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    fc.constant(1 as JsonValue),
    fc.array(tie('value'), { maxLength: 3 }),
    fc.dictionary(key, tie('value'), { maxKeys: 4 }),
  ) as fc.Arbitrary<JsonValue>,
}));

describe('the unknown-key check, memoised per set of applying schemas', () => {
  it('finds exactly the keys the one-pass-per-key reference finds, for any document', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...schemas),
        fc.dictionary(key, value, { maxKeys: 5 }),
        (schema, document) => {
          // Act
          const found = findUnknownKeys(schema, document as JsonObject).map((v) => v.pointer);
          // Assess
          expect(found).toEqual(referenceUnknownKeys(schema, document as JsonObject));
        },
      ),
    );
  });

  it('checks 32,000 keys against an anyOf of 1,000 branches, each key at its branch', () => {
    // Prepare: key pN is described by branch N (mod 1,000); every tenth key is unknown.
    const schema = {
      type: 'object',
      additionalProperties: {
        anyOf: Array.from({ length: 1000 }, (_, i) => ({ properties: { [`p${i}`]: {} } })),
      },
    };
    const document = Object.fromEntries(
      Array.from({ length: 32_000 }, (_, i) => [`k${i}`, { [i % 10 === 0 ? `q${i}` : `p${i % 1000}`]: 1 }]),
    );
    // Act
    const found = findUnknownKeys(schema, document);
    // Assess
    expect(found).toHaveLength(3200);
    expect(found[1]).toMatchObject({ pointer: '/k10/q10', rule: 'schema.unknown-key', value: 1 });
  });
});
