import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { UnprocessableError } from '../../../shared/domain/errors.ts';
import {
  escapePointerToken,
  isJsonObject,
  type JsonObject,
  type JsonValue,
} from '../../../shared/domain/json-value.ts';
import { computeEffective } from '../../../shared/domain/layers/effective-settings.ts';
import { isAtOrBelow } from '../../../shared/domain/layers/json-pointer.ts';
import { type MergeInput, mergeLayers, settingLeaves } from '../../../shared/domain/layers/merge-layers.ts';
import {
  MAX_EXPANDED_LEAVES,
  MAX_PROFILE_REFERENCES,
} from '../../../shared/domain/layers/profile-references.ts';

/**
 * The merge as first written (quadratic: every assignment forgets the pointers below it by
 * scanning all of them), kept as the reference the linear merge must equal.
 */
function referenceMerge<S>(layers: readonly MergeInput<S>[]): {
  content: JsonObject;
  provenance: Map<string, S>;
} {
  const content: JsonObject = {};
  const assigned = new Map<string, S>();
  const forget = (pointer: string): void => {
    for (const key of [...assigned.keys()]) if (isAtOrBelow(key, pointer)) assigned.delete(key);
  };
  const mergeInto = (target: JsonObject, patch: JsonObject, path: string, source: S): void => {
    for (const [key, value] of Object.entries(patch)) {
      const pointer = `${path}/${escapePointerToken(key)}`;
      if (value === null) {
        delete target[key];
        forget(pointer);
      } else if (isJsonObject(value)) {
        let child = target[key];
        if (!isJsonObject(child)) {
          forget(pointer);
          child = {};
          target[key] = child;
          assigned.set(pointer, source);
        }
        mergeInto(child, value, pointer, source);
      } else {
        forget(pointer);
        target[key] = structuredClone(value);
        assigned.set(pointer, source);
      }
    }
  };
  for (const layer of layers) mergeInto(content, layer.content, '', layer.source);
  const provenance = new Map<string, S>();
  for (const pointer of settingLeaves(content)) {
    for (let current = pointer; ; current = current.slice(0, current.lastIndexOf('/'))) {
      const found = assigned.get(current);
      if (found !== undefined) {
        provenance.set(pointer, found);
        break;
      }
      if (current === '') break;
    }
  }
  return { content, provenance };
}

// Few keys, so that layers overlap, replace each other's objects and delete each other's keys.
const key = fc.constantFrom('a', 'b', 'c', 'x/y', 'z~', '');
const scalar = fc.oneof(fc.integer({ min: -3, max: 3 }), fc.constantFrom('s', 't'), fc.boolean());
const { layer } = fc.letrec<{ value: JsonValue; layer: JsonObject }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    scalar,
    fc.constant(null),
    fc.array(fc.oneof(scalar, fc.constant(null)), { maxLength: 3 }),
    fc.constant({}),
    tie('layer'),
  ),
  layer: fc.dictionary(key, tie('value'), { maxKeys: 5 }) as fc.Arbitrary<JsonObject>,
}));
// Sources include `undefined`: a leaf whose own assignment has no source falls back to the one above it.
const source = fc.option(fc.nat({ max: 9 }), { nil: undefined });
const inputs = fc.array(fc.record({ content: layer, source }), { minLength: 1, maxLength: 6 });

describe('mergeLayers against the reference merge', () => {
  it('produces the same content and the same provenance, in the same order, as the quadratic reference on random layers', () => {
    fc.assert(
      fc.property(inputs, (layers) => {
        const actual = mergeLayers(layers);
        const expected = referenceMerge(layers);
        expect(actual.content).toEqual(expected.content);
        expect([...actual.provenance]).toEqual([...expected.provenance]);
      }),
      { numRuns: 500 },
    );
  });
});

describe('$profile expansion limits (reproduction 4: one request freezes every tenant)', () => {
  const layerOf = (content: JsonObject) => ({
    scope: 'envs/dev/services/s',
    version: 1,
    author: 'ann',
    createdAt: '2026-01-01T00:00:00.000Z',
    content,
  });
  const profileOf = (keys: number) => ({
    version: 1,
    content: Object.fromEntries(Array.from({ length: keys }, (_, i) => [`k${i}`, i])) as JsonObject,
  });
  /** The violations of the UnprocessableError that `act` throws (fails when it throws nothing else). */
  const violationsThrownBy = (act: () => unknown) => {
    try {
      act();
    } catch (error) {
      expect(error).toBeInstanceOf(UnprocessableError);
      return (error as UnprocessableError).errors;
    }
    throw new Error('expected an UnprocessableError, nothing was thrown');
  };
  const referencing = (count: number, name: string): JsonObject =>
    Object.fromEntries(Array.from({ length: count }, (_, i) => [`r${i}`, { $profile: name }]));

  it(`refuses a layer with more than ${MAX_PROFILE_REFERENCES} $profile references with a 422 naming the first reference over the limit`, () => {
    // Prepare
    const layers = [layerOf(referencing(MAX_PROFILE_REFERENCES + 1, 'p'))];
    // Act
    const act = () => computeEffective(layers, new Map([['p', profileOf(1)]]));
    // Assess
    expect(violationsThrownBy(act)).toEqual([
      expect.objectContaining({
        pointer: `/r${MAX_PROFILE_REFERENCES}/$profile`,
        rule: 'profile.max-references',
        scope: 'envs/dev/services/s',
      }),
    ]);
  });

  it(`accepts exactly ${MAX_PROFILE_REFERENCES} references`, () => {
    const result = computeEffective(
      [layerOf(referencing(MAX_PROFILE_REFERENCES, 'p'))],
      new Map([['p', profileOf(2)]]),
    );
    expect(result.provenance.size).toBe(MAX_PROFILE_REFERENCES * 2);
  });

  it(`refuses references whose profiles expand to more than ${MAX_EXPANDED_LEAVES} leaves, naming the reference that crosses the cap`, () => {
    // Prepare: 40 references to a 1000-key profile would expand to 40 000 leaves.
    const layers = [layerOf(referencing(40, 'big'))];
    // Act
    const act = () => computeEffective(layers, new Map([['big', profileOf(1000)]]));
    // Assess: the 21st reference is the first past 20 000 leaves.
    expect(violationsThrownBy(act)).toEqual([
      expect.objectContaining({
        pointer: '/r20/$profile',
        rule: 'profile.max-expanded-leaves',
        value: 'big',
      }),
    ]);
  });

  it('expands references up to the leaf cap, with every leaf attributed to its profile', () => {
    const result = computeEffective(
      [layerOf(referencing(20, 'big'))],
      new Map([['big', profileOf(MAX_EXPANDED_LEAVES / 20)]]),
    );
    expect(result.provenance.size).toBe(MAX_EXPANDED_LEAVES);
    expect(result.provenance.get('/r19/k0')).toMatchObject({ profile: 'big', profileVersion: 1 });
  });
});
