import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isJsonObject, type JsonObject, type JsonValue } from '../../../shared/domain/json-value.ts';
import {
  computeEffective,
  effectiveEtag,
  etagMatches,
} from '../../../shared/domain/layers/effective-settings.ts';
import { valueAt } from '../../../shared/domain/layers/json-pointer.ts';
import { mergeLayers, settingLeaves } from '../../../shared/domain/layers/merge-layers.ts';

const key = fc.constantFrom('a', 'b', 'c', 'x/y', 'z~');
const scalar = fc.oneof(fc.integer({ min: -5, max: 5 }), fc.constantFrom('s', 't'), fc.boolean());
const { layer } = fc.letrec<{ value: JsonValue; layer: JsonObject }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    scalar,
    fc.constant(null),
    fc.array(scalar, { maxLength: 3 }),
    tie('layer'),
  ),
  layer: fc.dictionary(key, tie('value'), { maxKeys: 4 }) as fc.Arbitrary<JsonObject>,
}));
const layers = fc.array(layer, { minLength: 1, maxLength: 4 });

const containsNullOutsideArrays = (node: JsonValue): boolean =>
  node === null || (isJsonObject(node) && Object.values(node).some(containsNullOutsideArrays));

describe('mergeLayers', () => {
  it('is associative: merging a merged prefix with the rest equals merging all layers at once', () => {
    fc.assert(
      fc.property(layers, fc.nat(), (ls, cut) => {
        const split = 1 + (cut % ls.length);
        const whole = mergeLayers(ls.map((content, i) => ({ content, source: i }))).content;
        const prefix = mergeLayers(ls.slice(0, split).map((content, i) => ({ content, source: i }))).content;
        const grouped = mergeLayers([
          { content: prefix, source: -1 },
          ...ls.slice(split).map((content, i) => ({ content, source: i })),
        ]).content;
        expect(grouped).toEqual(whole);
      }),
    );
  });

  it('deletes a key that the highest layer sets to null and never returns null outside arrays', () => {
    fc.assert(
      fc.property(layers, key, (ls, k) => {
        const top = { ...ls[ls.length - 1], [k]: null };
        const merged = mergeLayers(
          [...ls.slice(0, -1), top].map((content, i) => ({ content, source: i })),
        ).content;
        expect(Object.hasOwn(merged, k)).toBe(false);
        expect(containsNullOutsideArrays(merged)).toBe(false);
      }),
    );
  });

  it('lets the higher layer win every scalar and array it sets', () => {
    fc.assert(
      fc.property(layers, (ls) => {
        const merged = mergeLayers(ls.map((content, i) => ({ content, source: i }))).content;
        const top = ls[ls.length - 1] as JsonObject;
        for (const pointer of settingLeaves(top)) {
          const value = valueAt(top, pointer);
          if (value !== null && !isJsonObject(value as JsonValue))
            expect(valueAt(merged, pointer)).toEqual(value);
        }
      }),
    );
  });

  it('gives every leaf a provenance that points at a layer which really holds that value', () => {
    fc.assert(
      fc.property(layers, (ls) => {
        const { content, provenance } = mergeLayers(ls.map((c, i) => ({ content: c, source: i })));
        const leaves = settingLeaves(content);
        expect([...provenance.keys()].sort()).toEqual([...leaves].sort());
        for (const pointer of leaves) {
          const source = provenance.get(pointer) as number;
          const held = valueAt(ls[source] as JsonObject, pointer);
          const actual = valueAt(content, pointer);
          if (isJsonObject(actual as JsonValue)) expect(isJsonObject(held as JsonValue)).toBe(true);
          else expect(held).toEqual(actual);
          // No higher layer mentions a value for this leaf that would have won.
          for (let higher = source + 1; higher < ls.length; higher++) {
            const later = valueAt(ls[higher] as JsonObject, pointer);
            if (later !== undefined && !isJsonObject(later as JsonValue)) expect(later).toEqual(actual);
          }
        }
      }),
    );
  });

  it('replaces arrays instead of merging them, and never modifies its inputs', () => {
    const low = { list: [1, 2, 3], nested: { keep: true } };
    const high = { list: [9] };
    const result = mergeLayers([
      { content: low, source: 'low' },
      { content: high, source: 'high' },
    ]);
    expect(result.content).toEqual({ list: [9], nested: { keep: true } });
    expect(result.provenance.get('/list')).toBe('high');
    expect(low).toEqual({ list: [1, 2, 3], nested: { keep: true } });
  });
});

describe('computeEffective with $profile', () => {
  const layer = (scope: string, version: number, content: JsonObject) => ({
    scope,
    version,
    author: 'ann',
    createdAt: '2026-01-01T00:00:00.000Z',
    content,
  });
  const profiles = new Map([
    ['high_availability', { version: 2, content: { replicas: 3, hpa: { minReplicas: 3, maxReplicas: 10 } } }],
  ]);

  it('puts the profile content where $profile stands, lets the layer override it and names the profile in provenance', () => {
    const result = computeEffective(
      [
        layer('global', 1, { web: { replicas: 1, image: 'x' } }),
        layer('envs/prod', 4, { web: { $profile: 'high_availability', replicas: 5 } }),
      ],
      profiles,
    );
    expect(result.content).toEqual({
      web: { replicas: 5, image: 'x', hpa: { minReplicas: 3, maxReplicas: 10 } },
    });
    expect(result.provenance.get('/web/replicas')).toMatchObject({ scope: 'envs/prod', version: 4 });
    expect(result.provenance.get('/web/replicas')?.profile).toBeUndefined();
    expect(result.provenance.get('/web/hpa/minReplicas')).toMatchObject({
      scope: 'envs/prod',
      version: 4,
      profile: 'high_availability',
      profileVersion: 2,
    });
    expect(result.provenance.get('/web/image')).toMatchObject({ scope: 'global' });
    expect(result.profiles).toEqual([{ name: 'high_availability', version: 2 }]);
  });

  it('equals merging the profile as its own layer just below the layer that references it', () => {
    fc.assert(
      fc.property(
        fc.dictionary(key, fc.oneof(scalar, fc.constant(null)), { maxKeys: 4 }) as fc.Arbitrary<JsonObject>,
        fc.dictionary(key, scalar, { maxKeys: 4 }) as fc.Arbitrary<JsonObject>,
        fc.dictionary(key, fc.oneof(scalar, fc.constant(null)), { maxKeys: 4 }) as fc.Arbitrary<JsonObject>,
        (low, profile, own) => {
          const viaRef = computeEffective(
            [layer('global', 1, low), layer('envs/a', 1, { ...own, $profile: 'p' })],
            new Map([['p', { version: 1, content: profile }]]),
          );
          const viaLayers = mergeLayers([
            { content: low, source: 0 },
            { content: profile, source: 1 },
            { content: own, source: 2 },
          ]);
          expect(viaRef.content).toEqual(viaLayers.content);
        },
      ),
    );
  });
});

describe('effective ETag', () => {
  it('changes with any layer or profile version and with explain, and matches If-None-Match lists and weak tags', () => {
    const base = effectiveEtag([{ scope: 'global', version: 1 }], [], false);
    expect(effectiveEtag([{ scope: 'global', version: 2 }], [], false)).not.toBe(base);
    expect(effectiveEtag([{ scope: 'global', version: 1 }], [{ name: 'p', version: 1 }], false)).not.toBe(
      base,
    );
    expect(effectiveEtag([{ scope: 'global', version: 1 }], [], true)).not.toBe(base);
    expect(effectiveEtag([{ scope: 'global', version: 1 }], [], false)).toBe(base);
    expect(etagMatches(`"x", ${base}`, base)).toBe(true);
    expect(etagMatches(`W/${base}`, base)).toBe(true);
    expect(etagMatches('*', base)).toBe(true);
    expect(etagMatches('"other"', base)).toBe(false);
    expect(etagMatches(undefined, base)).toBe(false);
  });
});
