import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalJson, contentHash } from '../../../shared/domain/canonical-hash.ts';

describe('canonical hashing (RFC 8785)', () => {
  it('sorts keys and drops insignificant whitespace', () => {
    expect(canonicalJson({ b: 1, a: [true, null, 'x'], c: { z: 1, y: 2 } })).toBe(
      '{"a":[true,null,"x"],"b":1,"c":{"y":2,"z":1}}',
    );
  });

  it('serialises numbers the ECMAScript way', () => {
    expect(canonicalJson({ n: 1e21, m: 0.0000001, k: 10.0 })).toBe('{"k":10,"m":1e-7,"n":1e+21}');
  });

  it('hashes to the known SHA-256 of the canonical text', () => {
    // sha256('{"a":1}')
    expect(contentHash({ a: 1 })).toBe('015abd7f5cc57a2dd94b7590f04ad8084273905ee33ec5cebeae62276a97f862');
  });

  it('gives equal hashes for equal values whatever the key order', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string(), fc.jsonValue()), (object) => {
        const reversed = Object.fromEntries(Object.entries(object).reverse());
        expect(contentHash(reversed)).toBe(contentHash(object));
      }),
    );
  });

  it('gives different hashes when a value changes', () => {
    fc.assert(
      fc.property(fc.string(), fc.integer(), fc.integer(), (key, a, b) => {
        fc.pre(a !== b);
        expect(contentHash({ [key]: a })).not.toBe(contentHash({ [key]: b }));
      }),
    );
  });

  it('round-trips: parsing canonical JSON gives an equal value', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        expect(canonicalJson(JSON.parse(canonicalJson(value)))).toBe(canonicalJson(value));
      }),
    );
  });
});
