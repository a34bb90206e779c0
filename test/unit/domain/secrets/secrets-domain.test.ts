import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  ALPHABET_CHARACTERS,
  generateSecretValue,
} from '../../../../shared/domain/secrets/generate-secret-value.ts';
import { rotationDays, rotationDueAt } from '../../../../shared/domain/secrets/rotation-period.ts';
import { ALPHABETS, SECRET_NAME_PATTERN, stageOf } from '../../../../shared/domain/secrets/secret-model.ts';
import {
  findSecretReferences,
  mapSecretReferences,
} from '../../../../shared/domain/secrets/secret-reference.ts';

describe('secret names', () => {
  it.each(['db-password', 'a', 'x.y_z-1', 'a'.repeat(128)])('accepts %s', (name) => {
    expect(SECRET_NAME_PATTERN.test(name)).toBe(true);
  });
  it.each(['', 'Db', 'db/password', '-db', 'db-', 'a'.repeat(129), 'db password'])('refuses %j', (name) => {
    expect(SECRET_NAME_PATTERN.test(name)).toBe(false);
  });
});

describe('rotation periods', () => {
  it('uses 30/90/365 days by default and lets a policy only shorten them', () => {
    expect([
      rotationDays('critical', undefined),
      rotationDays('standard', undefined),
      rotationDays('low', undefined),
    ]).toEqual([30, 90, 365]);
    expect(rotationDays('critical', { rotationDays: { critical: 14 } })).toBe(14);
    expect(rotationDays('critical', { rotationDays: { critical: 60 } })).toBe(30);
    expect(rotationDays('low', { rotationDays: { critical: 14 } })).toBe(365);
  });

  it('puts the due date the period after the rotation', () => {
    expect(rotationDueAt('2026-01-01T00:00:00.000Z', 30)).toBe('2026-01-31T00:00:00.000Z');
  });
});

describe('stages', () => {
  it('calls the current version current, the one before previous, older ones deprecated', () => {
    expect([5, 4, 3, 1].map((v) => stageOf(v, 5))).toEqual([
      'current',
      'previous',
      'deprecated',
      'deprecated',
    ]);
  });
});

describe('secret references', () => {
  const content = {
    db: { password: { $secret: 'db-password' }, user: 'app' },
    list: [{ $secret: 'api-key' }, 'plain'],
    'a/b': { $secret: 'x' },
    notRef: { $secret: 'y', other: 1 },
  };

  it('finds every reference with its JSON pointer, and nothing that merely has a $secret key', () => {
    expect(findSecretReferences(content)).toEqual([
      { pointer: '/db/password', name: 'db-password' },
      { pointer: '/list/0', name: 'api-key' },
      { pointer: '/a~1b', name: 'x' },
    ]);
  });

  it('replaces references and keeps everything else, hostile keys as own data', () => {
    const hostile = JSON.parse('{"__proto__": {"$secret": "p"}, "k": 1}');
    const out = mapSecretReferences(hostile, (name) => `value-of-${name}`) as Record<string, unknown>;
    expect(Object.getOwnPropertyDescriptor(out, '__proto__')?.value).toBe('value-of-p');
    expect(Object.getPrototypeOf(out)).toBe(Object.prototype);
    expect(mapSecretReferences(content, (n) => n)).toMatchObject({
      db: { password: 'db-password', user: 'app' },
    });
  });
});

describe('generated values', () => {
  it('have the asked length and draw only from the alphabet', () => {
    fc.assert(
      fc.property(fc.integer({ min: 16, max: 256 }), fc.constantFrom(...ALPHABETS), (length, alphabet) => {
        const value = generateSecretValue(length, alphabet);
        expect(value).toHaveLength(length);
        expect([...value].every((c) => ALPHABET_CHARACTERS[alphabet].includes(c))).toBe(true);
      }),
      { numRuns: 50 },
    );
  });
});
