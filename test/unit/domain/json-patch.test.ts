import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalJson } from '../../../shared/domain/canonical-hash.ts';
import { ConflictError, ValidationError } from '../../../shared/domain/errors.ts';
import {
  applyJsonPatch,
  applyMergePatch,
  diffDocuments,
  keysTouchedPercent,
  validatePatchShape,
} from '../../../shared/domain/json-patch.ts';
import { type JsonObject, leaves } from '../../../shared/domain/json-value.ts';

const jsonObject = fc.dictionary(
  fc.string({ maxLength: 6 }),
  fc.jsonValue({ maxDepth: 3 }),
) as fc.Arbitrary<JsonObject>;
const same = (a: unknown, b: unknown) => expect(canonicalJson(a)).toBe(canonicalJson(b));

describe('JSON Patch (RFC 6902) and diff', () => {
  it('diff then apply turns any document into any other', () => {
    fc.assert(
      fc.property(jsonObject, jsonObject, (from, to) => {
        same(applyJsonPatch(from, diffDocuments(from, to)), to);
      }),
    );
  });

  it('diff of a document with itself is empty', () => {
    fc.assert(
      fc.property(jsonObject, (doc) => {
        expect(diffDocuments(doc, structuredClone(doc))).toEqual([]);
      }),
    );
  });

  it('never modifies its input', () => {
    const doc = { a: { b: 1 } };
    applyJsonPatch(doc, [{ op: 'replace', path: '/a/b', value: 2 }]);
    expect(doc).toEqual({ a: { b: 1 } });
  });

  it('a failing test op is a conflict', () => {
    expect(() => applyJsonPatch({ a: 1 }, [{ op: 'test', path: '/a', value: 2 }])).toThrow(ConflictError);
  });

  it('removing a missing path is a conflict', () => {
    expect(() => applyJsonPatch({ a: 1 }, [{ op: 'remove', path: '/nope' }])).toThrow(ConflictError);
  });

  it('lists every malformed operation at once', () => {
    const violations = validatePatchShape([{ op: 'explode', path: 'a' }, 'x', { op: 'add', path: '/a' }]);
    expect(violations.map((v) => v.pointer)).toEqual([
      '/body/0/op',
      '/body/0/path',
      '/body/1',
      '/body/2/value',
    ]);
    expect(() => applyJsonPatch({}, [{ op: 'explode' }])).toThrow(ValidationError);
  });

  it('replacing the root with a non-object is rejected', () => {
    expect(() => applyJsonPatch({ a: 1 }, [{ op: 'replace', path: '', value: [1] }])).toThrow(
      ValidationError,
    );
  });
});

describe('JSON Merge Patch (RFC 7396)', () => {
  it('follows the RFC 7396 appendix examples', () => {
    expect(applyMergePatch({ a: 'b' }, { a: 'c' })).toEqual({ a: 'c' });
    expect(applyMergePatch({ a: 'b' }, { b: 'c' })).toEqual({ a: 'b', b: 'c' });
    expect(applyMergePatch({ a: 'b' }, { a: null })).toEqual({});
    expect(applyMergePatch({ a: 'b', b: 'c' }, { a: null })).toEqual({ b: 'c' });
    expect(applyMergePatch({ a: ['b'] }, { a: 'c' })).toEqual({ a: 'c' });
    expect(applyMergePatch({ a: { b: 'c' } }, { a: { b: 'd', c: null } })).toEqual({ a: { b: 'd' } });
    expect(applyMergePatch({ a: [{ b: 'c' }] }, { a: [1] })).toEqual({ a: [1] });
    expect(applyMergePatch({ e: null }, { a: 1 })).toEqual({ e: null, a: 1 });
    expect(applyMergePatch([1, 2], { a: 'b', c: null })).toEqual({ a: 'b' });
    expect(applyMergePatch({}, { a: { bb: { ccc: null } } })).toEqual({ a: { bb: {} } });
  });

  it('applying the same merge patch twice changes nothing more (idempotent)', () => {
    fc.assert(
      fc.property(jsonObject, jsonObject, (target, patch) => {
        const once = applyMergePatch(target, patch);
        same(applyMergePatch(once, patch), once);
      }),
    );
  });
});

describe('keys touched', () => {
  it('is 100 % for a first version and 0 % for no change', () => {
    expect(keysTouchedPercent(null, { a: 1 })).toBe(100);
    expect(keysTouchedPercent({ a: 1, b: { c: 2 } }, { a: 1, b: { c: 2 } })).toBe(0);
  });

  it('counts changed, added and removed leaves over the union of leaves', () => {
    // leaves: /a (same), /b (changed), /c (removed), /d (added) -> 3 of 4
    expect(keysTouchedPercent({ a: 1, b: 2, c: 3 }, { a: 1, b: 5, d: 4 })).toBe(75);
  });

  it('agrees with a reference that compares the canonical JSON of every leaf', () => {
    const reference = (a: JsonObject, b: JsonObject) => {
      const x = leaves(a);
      const y = leaves(b);
      const all = new Set([...x.keys(), ...y.keys()]);
      if (all.size === 0) return 0;
      let touched = 0;
      for (const k of all) {
        const p = x.get(k);
        const q = y.get(k);
        if (p === undefined || q === undefined || canonicalJson(p) !== canonicalJson(q)) touched++;
      }
      return Math.round((touched / all.size) * 10_000) / 100;
    };
    fc.assert(
      fc.property(jsonObject, jsonObject, (a, b) => {
        expect(keysTouchedPercent(a, b)).toBe(reference(a, b));
      }),
    );
  });

  it('stays within 0..100', () => {
    fc.assert(
      fc.property(jsonObject, jsonObject, (a, b) => {
        const p = keysTouchedPercent(a, b);
        expect(p).toBeGreaterThanOrEqual(0);
        expect(p).toBeLessThanOrEqual(100);
      }),
    );
  });
});
