import { describe, expect, it, vi } from 'vitest';
import type { JsonObject } from '../../../shared/domain/json-value.ts';
import * as linear from '../../../shared/domain/validation/linear-regexp.ts';
import { findUnknownKeys } from '../../../shared/domain/validation/unknown-keys.ts';

vi.mock('../../../shared/domain/validation/linear-regexp.ts', async (importOriginal) => {
  const original = await importOriginal<typeof linear>();
  return { ...original, compileLinearRegExp: vi.fn(original.compileLinearRegExp) };
});

describe('findUnknownKeys with patternProperties', () => {
  it('compiles each pattern once per document, not once per key', () => {
    // Prepare: 4 patterns (one RE2 refuses), 500 keys, none named or matched
    const schema: JsonObject = {
      properties: { a: {} },
      patternProperties: { '^x[0-9]+$': {}, '^y': {}, '(?=z)': {}, 'foo|bar': {} },
    };
    const document: JsonObject = Object.fromEntries(Array.from({ length: 500 }, (_, i) => [`k${i}`, i]));
    const compile = vi.mocked(linear.compileLinearRegExp);
    compile.mockClear();
    // Act
    const unknown = findUnknownKeys(schema, document);
    // Assess: every key is unknown, and each pattern was compiled once
    expect(unknown).toHaveLength(500);
    expect(compile).toHaveBeenCalledTimes(4);
  });

  it('still matches keys against the patterns compiled once', () => {
    // Prepare
    const schema: JsonObject = { patternProperties: { '^x[0-9]+$': { properties: { b: {} } } } };
    // Act
    const unknown = findUnknownKeys(schema, { x1: { b: 1, c: 2 }, x2: { b: 1 }, y: 3 });
    // Assess
    expect(unknown.map((v) => v.pointer)).toEqual(['/x1/c', '/y']);
  });
});

describe('findUnknownKeys through an anchor $ref', () => {
  it('follows #name to the subschema its $anchor names, as ajv does', () => {
    // Prepare: the anchor is no JSON pointer, so reading it as one found nothing and checked nothing.
    const schema: JsonObject = {
      properties: { web: { $ref: '#container' }, db: { $ref: '#/$defs/container' } },
      $defs: { container: { $anchor: 'container', properties: { image: {} } } },
    };
    // Act
    const unknown = findUnknownKeys(schema, { web: { image: 'a', imgae: 'b' }, db: { tag: 1 } });
    // Assess
    expect(unknown.map((v) => v.pointer)).toEqual(['/web/imgae', '/db/tag']);
  });
});
