import { describe, expect, it } from 'vitest';
import { forbiddenKeyViolations, MAX_FORBIDDEN_KEY_VIOLATIONS } from '../../../shared/http/forbidden-keys.ts';

describe('forbiddenKeyViolations (reproduction 1 of issue 9, refused at the edge)', () => {
  it('lists every prototype key at any depth, arrays included, with escaped pointers in order', () => {
    // Prepare
    const body = JSON.parse(
      '{"content": {"__proto__": {"$profile": "x"}, "a/b": [{"constructor": {"prototype": 1}}]}, "ok": {"proto": 1}}',
    );
    // Act
    const found = forbiddenKeyViolations(body, false);
    // Assess
    expect(found.map((v) => [v.pointer, v.rule])).toEqual([
      ['/body/content/__proto__', 'forbidden-key'],
      ['/body/content/a~1b/0/constructor', 'forbidden-key'],
      ['/body/content/a~1b/0/constructor/prototype', 'forbidden-key'],
    ]);
    expect(found.every((v) => typeof v.hint === 'string')).toBe(true);
  });

  it('checks JSON Patch path and from pointers (unescaped) only for a JSON Patch body', () => {
    const patch = [
      { op: 'add', path: '/a/__proto__/x', value: 1 },
      { op: 'move', from: '/constructor', path: '/b' },
      { op: 'add', path: '/a~1__proto__', value: 1 },
    ];
    expect(forbiddenKeyViolations(patch, true).map((v) => v.pointer)).toEqual([
      '/body/0/path',
      '/body/1/from',
    ]);
    expect(forbiddenKeyViolations(patch, false)).toEqual([]);
  });

  it(`lists at most ${MAX_FORBIDDEN_KEY_VIOLATIONS} and counts the rest in the last one`, () => {
    const body = Array.from({ length: 150 }, () => JSON.parse('{"__proto__": 1}'));
    const found = forbiddenKeyViolations(body, false);
    expect(found).toHaveLength(MAX_FORBIDDEN_KEY_VIOLATIONS);
    expect(found.at(-1)?.message).toContain('and 50 more');
  });
});
