import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ValidationError } from '../../../shared/domain/errors.ts';
import {
  applyJsonPatch,
  applyMergePatch,
  diffDocuments,
  keysTouchedPercent,
  validatePatchShape,
} from '../../../shared/domain/json-patch.ts';
import { isJsonObject, type JsonObject, leaves, ownValue } from '../../../shared/domain/json-value.ts';
import { computeEffective } from '../../../shared/domain/layers/effective-settings.ts';
import { flattenSettings } from '../../../shared/domain/layers/flatten-settings.ts';
import { mergeLayers, settingLeaves } from '../../../shared/domain/layers/merge-layers.ts';
import { findUnknownKeys } from '../../../shared/domain/validation/unknown-keys.ts';
import {
  expectPrototypesUnchanged,
  type PrototypeSnapshot,
  snapshotPrototypes,
} from '../../support/prototype-guard.ts';

/**
 * Reproduction 1 of issue 9 (prototype pollution), at the domain level: documents with own
 * `__proto__`, `constructor` and `prototype` keys, as `JSON.parse` builds them, go through
 * every domain function that walks or builds settings; each key stays plain data and
 * `Object.prototype` and `Array.prototype` are never touched.
 */

const hostile = (): JsonObject =>
  JSON.parse(
    '{"__proto__": {"$profile": "x", "polluted": "yes", "approvedChangeRequest": true},' +
      ' "constructor": {"prototype": {"polluted": "yes"}}, "list": [{"__proto__": {"polluted": "yes"}}]}',
  ) as JsonObject;

let guard: PrototypeSnapshot;
beforeEach(() => {
  guard = snapshotPrototypes();
});
afterEach(() => {
  expectPrototypesUnchanged(guard);
  expect(({} as Record<string, unknown>).polluted).toBeUndefined();
});

describe('reproduction 1 (prototype pollution) in the domain', () => {
  it('isJsonObject accepts only plain data objects, never Object.prototype or class instances', () => {
    expect(isJsonObject(Object.prototype)).toBe(false);
    expect(isJsonObject(new Date())).toBe(false);
    expect(isJsonObject(Object.create(null))).toBe(true);
    expect(isJsonObject(JSON.parse('{"__proto__": {}}'))).toBe(true);
  });

  it('mergeLayers keeps __proto__ as an own key of the result and gives it provenance', () => {
    // Act
    const { content, provenance } = mergeLayers([
      { content: hostile(), source: 'low' },
      { content: JSON.parse('{"__proto__": {"more": 1}}') as JsonObject, source: 'high' },
    ]);
    // Assess
    expect(Object.getPrototypeOf(content)).toBe(Object.prototype);
    expect(Object.hasOwn(content, '__proto__')).toBe(true);
    expect(ownValue(content, '__proto__')).toEqual({
      $profile: 'x',
      polluted: 'yes',
      approvedChangeRequest: true,
      more: 1,
    });
    expect(provenance.get('/__proto__/more')).toBe('high');
    expect(provenance.get('/constructor/prototype/polluted')).toBe('low');
    expect(settingLeaves(content)).toContain('/__proto__/polluted');
  });

  it('expands a $profile held under __proto__ into an own __proto__ key, and a profile with __proto__ keys as data', () => {
    // Prepare: the exact content of the reproduction, and a profile that itself carries hostile keys.
    const profiles = new Map([['x', { version: 1, content: hostile() }]]);
    // Act
    const result = computeEffective(
      [
        {
          scope: 'envs/dev/services/s',
          version: 1,
          author: 'viewer',
          createdAt: '2026-01-01T00:00:00.000Z',
          content: JSON.parse('{"__proto__": {"$profile": "x"}, "items": [{"$profile": "x"}]}') as JsonObject,
        },
      ],
      profiles,
    );
    // Assess
    const under = ownValue(result.content, '__proto__') as JsonObject;
    expect(Object.hasOwn(result.content, '__proto__')).toBe(true);
    expect(Object.hasOwn(under, '__proto__')).toBe(true);
    expect(result.provenance.get('/__proto__/__proto__/polluted')).toMatchObject({ profile: 'x' });
    const item = (result.content.items as JsonObject[])[0] as JsonObject;
    expect(Object.getPrototypeOf(item)).toBe(Object.prototype);
    expect(Object.hasOwn(item, '__proto__')).toBe(true);
  });

  it('applies a merge patch with __proto__ as an own key instead of dropping it', () => {
    const result = applyMergePatch({ a: 1 }, hostile()) as JsonObject;
    expect(Object.hasOwn(result, '__proto__')).toBe(true);
    expect(Object.getPrototypeOf(result)).toBe(Object.prototype);
    const deleted = applyMergePatch(result, JSON.parse('{"__proto__": null}')) as JsonObject;
    expect(Object.hasOwn(deleted, '__proto__')).toBe(false);
    expect(deleted).toEqual(
      JSON.parse(
        '{"a": 1, "constructor": {"prototype": {"polluted": "yes"}}, "list": [{"__proto__": {"polluted": "yes"}}]}',
      ),
    );
  });

  it('refuses JSON Patch paths and froms through __proto__, constructor or prototype with a ValidationError, never a TypeError', () => {
    // Prepare
    const patch = [
      { op: 'add', path: '/__proto__/polluted', value: 'yes' },
      { op: 'replace', path: '/constructor/prototype/polluted', value: 'yes' },
      { op: 'copy', from: '/a/prototype', path: '/b' },
    ];
    // Act
    const act = () => applyJsonPatch({ a: { prototype: 1 } } as JsonObject, patch);
    // Assess
    expect(act).toThrow(ValidationError);
    expect(validatePatchShape(patch).map((v) => [v.pointer, v.rule])).toEqual([
      ['/body/0/path', 'forbidden-key'],
      ['/body/1/path', 'forbidden-key'],
      ['/body/2/from', 'forbidden-key'],
    ]);
  });

  it('diffs, counts, flattens and lists leaves of documents with own __proto__ keys as plain data', () => {
    const doc = hostile();
    expect(diffDocuments({}, doc).map((op) => op.path)).toEqual(['/__proto__', '/constructor', '/list']);
    expect(keysTouchedPercent(doc, { ...doc, extra: 1 })).toBeGreaterThan(0);
    expect([...leaves(doc).keys()]).toContain('/__proto__/polluted');
    expect(flattenSettings(doc).entries).toContainEqual(['__PROTO____POLLUTED', 'yes']);
  });

  it('finds unknown keys named __proto__ and follows no $ref into a prototype', () => {
    const schema = JSON.parse(
      '{"properties": {"a": {"$ref": "#/__proto__"}, "b": {"$ref": "#/constructor"}}}',
    ) as JsonObject;
    const found = findUnknownKeys(
      schema,
      JSON.parse('{"__proto__": 1, "a": {"x": 1}, "b": {}}') as JsonObject,
    );
    expect(found.map((v) => v.pointer)).toEqual(['/__proto__']);
  });
});

describe('the prototype guard', () => {
  it('reports a property added to Object.prototype and a method replaced on Array.prototype', () => {
    // Prepare
    const snapshot = snapshotPrototypes();
    const original = Array.prototype.includes;
    // Act
    let changes: string[];
    try {
      Object.defineProperty(Object.prototype, 'guardProbe', { value: 1, configurable: true });
      Array.prototype.includes = () => true;
      changes = snapshot.changes();
    } finally {
      delete (Object.prototype as Record<string, unknown>).guardProbe;
      Array.prototype.includes = original;
    }
    // Assess
    expect(changes).toEqual([
      'Object.prototype.guardProbe was added',
      'Array.prototype.includes was changed',
    ]);
    expect(snapshot.changes()).toEqual([]);
  });
});
